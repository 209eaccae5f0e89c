package nexus.shared.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/** Test helper: the accept queue of a listening port as the operating system reports it ({@code ss -ltn}, Linux). */
public final class ListenBacklog {

    private ListenBacklog() {}

    /** The listen backlog of the TCP port; empty where {@code ss} is not available. */
    public static OptionalInt of(int port) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/ss")) && !Files.isExecutable(Path.of("/bin/ss"))) {
            return OptionalInt.empty();
        }
        Process ss = new ProcessBuilder("ss", "-ltnH", "sport = :" + port).redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        ss.waitFor(10, TimeUnit.SECONDS);
        // State Recv-Q Send-Q Local Peer: for a listening socket, Send-Q is its backlog.
        return OptionalInt.of(Integer.parseInt(out.split("\\s+")[2]));
    }

    /** What the kernel allows at most ({@code net.core.somaxconn}); it caps any backlog asked for. */
    public static int systemMaximum() throws IOException {
        // Files.readString trusts the size procfs reports and returns a truncated value; read it line by line.
        return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn")).getFirst().trim());
    }
}
