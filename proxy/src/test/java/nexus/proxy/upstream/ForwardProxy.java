package nexus.proxy.upstream;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small outbound proxy for tests, on a random loopback port: an HTTP proxy (absolute-form requests and
 * {@code CONNECT}) or a SOCKS5 proxy, optionally demanding a user name and password. After the first request head
 * (or handshake) it relays bytes both ways. It remembers where each connection went and what credentials came.
 */
final class ForwardProxy implements AutoCloseable {

    enum Protocol { HTTP, SOCKS5 }

    private final Protocol protocol;
    private final String username;
    private final String password;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** "host:port" of every connection relayed. */
    final List<String> targets = new CopyOnWriteArrayList<>();
    /** The Proxy-Authorization header of each HTTP request head, or the "user:password" of each SOCKS5 login. */
    final List<String> credentialsSeen = new CopyOnWriteArrayList<>();

    private ForwardProxy(Protocol protocol, String username, String password) throws IOException {
        this.protocol = protocol;
        this.username = username;
        this.password = password;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptLoop);
    }

    static ForwardProxy open(Protocol protocol) throws IOException {
        return new ForwardProxy(protocol, null, null);
    }

    static ForwardProxy withLogin(Protocol protocol, String username, String password) throws IOException {
        return new ForwardProxy(protocol, username, password);
    }

    /** The value of a provider's {@code http_proxy} that reaches this proxy, with the given credentials (or none). */
    String address(String credentials) {
        String scheme = protocol == Protocol.HTTP ? "http" : "socks5";
        return scheme + "://" + (credentials == null ? "" : credentials + "@") + "127.0.0.1:" + server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException e) {
                return;  // closed
            }
        }
    }

    private void serve(Socket client) {
        try {
            Socket upstream = protocol == Protocol.HTTP ? httpHandshake(client) : socksHandshake(client);
            if (upstream == null) {
                client.close();
                return;
            }
            sockets.add(upstream);
            Thread.ofVirtual().start(() -> relay(upstream, client));
            relay(client, upstream);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private Socket httpHandshake(Socket client) throws IOException {
        InputStream in = client.getInputStream();
        String head = readHead(in);
        String requestLine = head.substring(0, head.indexOf("\r\n"));
        String[] parts = requestLine.split(" ");
        String authorization = header(head, "Proxy-Authorization");
        credentialsSeen.add(authorization == null ? "" : authorization);
        if (username != null && !basic(username, password).equals(authorization)) {
            client.getOutputStream().write(("HTTP/1.1 407 Proxy Authentication Required\r\n"
                    + "Proxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return null;
        }
        if (parts[0].equals("CONNECT")) {
            String[] hostPort = parts[1].split(":");
            Socket upstream = connect(hostPort[0], Integer.parseInt(hostPort[1]));
            client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            return upstream;
        }
        URI target = URI.create(parts[1]);
        Socket upstream = connect(target.getHost(), target.getPort());
        // Servers accept the absolute form; the proxy's own header is hop-by-hop and stays here.
        String forwarded = head.replaceAll("(?im)^Proxy-Authorization:[^\r\n]*\r\n", "");
        upstream.getOutputStream().write(forwarded.getBytes(StandardCharsets.ISO_8859_1));
        return upstream;
    }

    private Socket socksHandshake(Socket client) throws IOException {
        DataInputStream in = new DataInputStream(client.getInputStream());
        OutputStream out = client.getOutputStream();
        in.readUnsignedByte();                                   // version 5
        byte[] methods = in.readNBytes(in.readUnsignedByte());
        int method = username == null ? 0x00 : 0x02;
        if (indexOf(methods, method) < 0) {
            out.write(new byte[] {5, (byte) 0xFF});
            return null;
        }
        out.write(new byte[] {5, (byte) method});
        if (method == 0x02) {
            in.readUnsignedByte();                               // sub-negotiation version 1
            String user = new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.UTF_8);
            String pass = new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.UTF_8);
            credentialsSeen.add(user + ":" + pass);
            boolean accepted = user.equals(username) && pass.equals(password);
            out.write(new byte[] {1, (byte) (accepted ? 0 : 1)});
            if (!accepted) {
                return null;
            }
        }
        in.readUnsignedByte();                                   // version 5
        in.readUnsignedByte();                                   // command: CONNECT
        in.readUnsignedByte();                                   // reserved
        String host = switch (in.readUnsignedByte()) {
            case 1 -> InetAddress.getByAddress(in.readNBytes(4)).getHostAddress();
            case 3 -> new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.US_ASCII);
            case 4 -> InetAddress.getByAddress(in.readNBytes(16)).getHostAddress();
            default -> throw new IOException("unknown SOCKS address type");
        };
        int port = in.readUnsignedShort();
        Socket upstream = connect(host, port);
        out.write(new byte[] {5, 0, 0, 1, 0, 0, 0, 0, 0, 0});
        return upstream;
    }

    private Socket connect(String host, int port) throws IOException {
        targets.add(host + ":" + port);
        return new Socket(host, port);
    }

    private static void relay(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed; close both below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("the request head ended early");
            }
            head.write(next);
            matched = next == end[matched] ? matched + 1 : (next == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        return null;
    }

    static String basic(String user, String pass) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
    }

    private static int indexOf(byte[] values, int wanted) {
        for (int index = 0; index < values.length; index++) {
            if (values[index] == wanted) {
                return index;
            }
        }
        return -1;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.forEach(ForwardProxy::closeQuietly);
    }
}
