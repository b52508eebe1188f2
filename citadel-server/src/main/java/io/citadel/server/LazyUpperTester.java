package io.citadel.server;

import io.citadel.binding.http.UpperTester;
import io.citadel.engine.Cse;
import java.util.function.IntSupplier;

/** Resolves the bound port when a command needs it (the binding is created after the tester). */
final class LazyUpperTester implements UpperTester {
    private final Cse cse;
    private final IntSupplier port;

    LazyUpperTester(Cse cse, IntSupplier port) {
        this.cse = cse;
        this.port = port;
    }

    @Override
    public Result execute(String command) {
        return new CseUpperTester(cse, port.getAsInt()).execute(command);
    }
}
