package io.citadel.server;

import io.citadel.binding.http.UpperTester;
import io.citadel.engine.Cse;
import java.util.function.IntSupplier;

/** Upper Tester commands: {@code Status}, {@code Reset}, {@code GetConfig <key>}. */
final class CseUpperTester implements UpperTester {
    private final Cse cse;
    private final IntSupplier httpPort;

    /** @param httpPort the bound port, read when asked (the binding starts after the tester exists) */
    CseUpperTester(Cse cse, IntSupplier httpPort) {
        this.cse = cse;
        this.httpPort = httpPort;
    }

    @Override
    public Result execute(String command) {
        String[] parts = command.trim().split("\\s+", 2);
        switch (parts[0]) {
            case "Status":
                return new Result(true, "RUNNING");
            case "Reset":
                cse.reset();
                return new Result(true, "RESET");
            case "GetConfig":
                return getConfig(parts.length > 1 ? parts[1] : "");
            default:
                return new Result(false, "unknown command");
        }
    }

    private Result getConfig(String key) {
        var s = cse.settings();
        return switch (key) {
            case "cseId", "CSE-ID" -> new Result(true, s.cseId());
            case "cseName", "CSE-NAME" -> new Result(true, s.cseName());
            case "spId", "SP-ID" -> new Result(true, s.spId());
            case "cseType" -> new Result(true, String.valueOf(s.cseType()));
            case "httpPort" -> new Result(true, String.valueOf(httpPort.getAsInt()));
            case "releaseVersions" -> new Result(true, String.join(",", io.citadel.protocol.ReleaseVersion.SUPPORTED));
            default -> new Result(false, "unknown key");
        };
    }
}
