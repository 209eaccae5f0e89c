package nexus.shared.secret;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates folders (0700) and files (0600) that only their owner may read, and tightens ones that exist: what a
 * {@code umask 077} would give, for the files that hold secrets. Does nothing about modes on a file system without
 * POSIX permissions. Stateless.
 */
public final class OwnerOnlyFiles {

    private static final Logger log = LoggerFactory.getLogger(OwnerOnlyFiles.class);

    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnlyFiles() {}

    /** Creates the folder (and any missing parent) as 0700, or tightens it to 0700 when it exists. */
    public static void folder(Path folder) throws IOException {
        if (!posix(folder)) {
            Files.createDirectories(folder);
        } else if (Files.isDirectory(folder)) {
            tighten(folder, FOLDER);
        } else {
            Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(FOLDER));
        }
    }

    /** Creates the file empty as 0600 when absent (another process may create it at the same moment). */
    public static void file(Path file) throws IOException {
        try {
            Files.createFile(file, fileAttributes(file));
        } catch (FileAlreadyExistsException e) {
            // created by the other process, or present from an earlier start: tightened below
        }
        tightenFile(file);
    }

    /** Sets an existing file to 0600; a missing one is left missing. */
    public static void tightenFile(Path file) throws IOException {
        if (posix(file) && Files.exists(file)) {
            tighten(file, FILE);
        }
    }

    /** The attributes that create a file as 0600 (none where modes do not exist). */
    public static FileAttribute<?>[] fileAttributes(Path file) {
        return posix(file)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
                : new FileAttribute<?>[0];
    }

    private static void tighten(Path path, Set<PosixFilePermission> wanted) throws IOException {
        if (Files.getPosixFilePermissions(path).equals(wanted)) {
            return;
        }
        try {
            Files.setPosixFilePermissions(path, wanted);
        } catch (IOException e) {
            // A file of another owner's: starting is still right, but its mode is the owner's to fix.
            log.warn("Cannot make {} readable by its owner only ({}); set its mode by hand", path, e.toString());
        }
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
