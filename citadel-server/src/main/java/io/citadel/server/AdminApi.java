package io.citadel.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The credential store's HTTP admin API ({@code --admin-port}): add, list, rotate and revoke pre-shared keys,
 * trusted raw public keys, trust anchors and client secrets while the CSE runs ({@link AdminRoutes}). It
 * listens on a loopback interface only (an operator elsewhere uses an SSH tunnel) and every request needs
 * {@code Authorization: Bearer <token>}, the token being the content of {@code --admin-token-file}, which is
 * generated at first start (256 random bits, 0600) when absent. Requests run one at a time on their own
 * thread; bodies are capped at 64 KiB; a connection silent for 10 s is closed.
 */
final class AdminApi implements AutoCloseable {
    static final int MAX_BODY = 64 * 1024;
    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final ExecutorService operations = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "citadel-admin-api");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService longOperations = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "citadel-admin-api-privacy");
        t.setDaemon(true);
        return t;
    });
    private final Channel channel;
    /** The name of the idle-connection timeout in each connection's pipeline. */
    static final String IDLE = "idle-timeout";

    private AdminApi(String host, int port, byte[] tokenDigest, AdminRoutes routes) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 64)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(IDLE, new ReadTimeoutHandler(10))
                                .addLast(new HttpServerCodec(4096, 8192, 8192))
                                .addLast(new HttpObjectAggregator(MAX_BODY))
                                .addLast(new AdminRequestHandler(tokenDigest, routes, operations, longOperations));
                    }
                });
        try {
            this.channel = b.bind(host, port).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
    }

    /**
     * Starts the API over {@code credentials} (the running CSE's) when {@code --admin-port} is set; null otherwise.
     * Refuses a non-loopback interface.
     */
    static AdminApi start(
            Configuration config,
            Path dataDir,
            java.io.PrintStream announce,
            CredentialAdmin credentials,
            io.citadel.engine.privacy.PrivacyService privacy,
            ErasureJournal erasures)
            throws InterruptedException {
        if (config.get(ConfigKey.ADMIN_PORT) == null) {
            return null;
        }
        checkInterface(config);
        String host = config.get(ConfigKey.ADMIN_HOST);
        Path tokenFile = config.get(ConfigKey.ADMIN_TOKEN_FILE) != null
                ? Path.of(config.get(ConfigKey.ADMIN_TOKEN_FILE))
                : dataDir.resolve("admin-api.token");
        byte[] digest = digest(token(tokenFile, announce));
        AdminApi api = new AdminApi(
                host,
                config.getInt(ConfigKey.ADMIN_PORT),
                digest,
                new AdminRoutes(
                        credentials,
                        () -> KeyProtection.of(config, dataDir),
                        privacy == null ? null : new PrivacyAdmin(privacy, dataDir.resolve("exports"), erasures)));
        announce.println("Citadel admin API listening on http://" + host + ":" + api.port()
                + "/admin/ (bearer token in " + tokenFile + ")");
        return api;
    }

    /** Refuses a non-loopback {@code --admin-host} (called before any listener opens). */
    static void checkInterface(Configuration config) {
        String host = config.get(ConfigKey.ADMIN_HOST);
        if (config.get(ConfigKey.ADMIN_PORT) != null && !CitadelServer.isLoopback(host)) {
            throw new IllegalArgumentException("the admin API listens on loopback only (--admin-host " + host
                    + " refused); reach it from elsewhere through an SSH tunnel");
        }
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The token in {@code file}; generated there (0600) when the file does not exist. */
    private static byte[] token(Path file, java.io.PrintStream announce) {
        try {
            if (!Files.exists(file)) {
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                Files.createDirectories(file.toAbsolutePath().getParent());
                io.citadel.credentials.PrivateFiles.write(
                        file.toAbsolutePath(),
                        Base64.getUrlEncoder().withoutPadding().encode(random));
                java.util.Arrays.fill(random, (byte) 0);
                announce.println("Citadel: generated the admin API token into " + file);
            }
            byte[] token = new String(Files.readAllBytes(file), StandardCharsets.UTF_8)
                    .strip()
                    .getBytes(StandardCharsets.UTF_8);
            if (token.length < 16) {
                throw new IllegalArgumentException("the admin API token in " + file + " is shorter than 16 characters");
            }
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the admin API token " + file, e);
        }
    }

    /** SHA-256, so that tokens are compared in constant time whatever their lengths. */
    static byte[] digest(byte[] token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            java.util.Arrays.fill(token, (byte) 0);
        }
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        operations.shutdownNow();
        longOperations.shutdownNow();
    }
}
