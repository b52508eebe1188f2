package io.citadel.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of a {@code citadel credentials ...} sub-command after its verb: the command's own
 * {@code --option value} pairs, any other {@code --key value} pair (server configuration such as
 * {@code --data-dir}, handed to {@link Configuration#resolve}), and the first bare word.
 */
record CommandArguments(Map<String, String> options, List<String> config, String positional) {

    /** Parses {@code args} from index {@code from}; {@code own} names the command's options without "--". */
    static CommandArguments parse(List<String> args, int from, Set<String> own) {
        Map<String, String> options = new HashMap<>();
        List<String> config = new ArrayList<>();
        String positional = null;
        for (int i = from; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--") && own.contains(a.substring(2)) && i + 1 < args.size()) {
                options.put(a.substring(2), args.get(++i));
            } else if (a.startsWith("--") && i + 1 < args.size()) {
                config.add(a);
                config.add(args.get(++i));
            } else if (positional == null) {
                positional = a;
            }
        }
        return new CommandArguments(Map.copyOf(options), List.copyOf(config), positional);
    }

    String option(String name) {
        return options.get(name);
    }
}
