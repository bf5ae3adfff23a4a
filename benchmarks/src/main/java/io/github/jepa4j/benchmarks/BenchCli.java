package io.github.jepa4j.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The command-line glue of the bench commands ({@code ./jepa4j bench speed|collapse|quality}): picocli
 * binds {@code --name value} flags to a command's annotated flags object, which turns them into the
 * command's immutable, validated options record.
 *
 * <p>Both entry points read the flags the same way: a repeated flag keeps its last value, an
 * unknown one fails with {@code unknown flag '--x'; valid: --a --b ...}, and every parse error
 * carries the command's synopsis on a second line. {@link #parse} (the options from code and
 * tests) reports bad input, {@code --help} included, as an {@link IllegalArgumentException};
 * {@link #execute} (a command's {@code main}) prints the usage for {@code --help} and returns 0,
 * or prints the message of bad input (an {@link IllegalArgumentException} from parsing or from
 * the command's validation) to stderr and returns 2. Other failures propagate.
 */
public final class BenchCli {
    private BenchCli() {}

    /** Binds {@code args} to the picocli-annotated {@code flags} and returns it. */
    public static <T> T parse(T flags, String... args) {
        CommandLine cl = commandLine(flags);
        try {
            cl.parseArgs(args);
        } catch (ParameterException e) {
            throw new IllegalArgumentException(message(e), e);
        }
        if (cl.isUsageHelpRequested()) {
            throw new IllegalArgumentException(cl.getUsageMessage());
        }
        return flags;
    }

    /** Parses {@code args} into {@code command} and runs it; returns the process exit code. */
    public static int execute(Callable<Integer> command, String... args) {
        CommandLine cl = commandLine(command);
        cl.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println(message(e));
            return 2;
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            if (!(e instanceof IllegalArgumentException)) {
                throw e;
            }
            c.getErr().println(c.getCommandName() + ": " + e.getMessage());
            return 2;
        });
        return cl.execute(args);
    }

    /** The items of a comma-separated flag value, trimmed, empty items dropped; none for null. */
    public static List<String> commaList(String v) {
        return v == null ? List.of() : Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static CommandLine commandLine(Object flags) {
        return new CommandLine(flags).setOverwrittenOptionsAllowed(true);
    }

    /** The error line for bad flags, then the synopsis. */
    static String message(ParameterException e) {
        CommandLine cl = e.getCommandLine();
        String line = e.getMessage();
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            List<String> valid = cl.getCommandSpec().options().stream().map(OptionSpec::longestName).toList();
            line = (first.startsWith("-") ? "unknown flag '" : "unexpected argument '") + first + "'; valid: "
                    + String.join(" ", valid);
        }
        return line + "\nUsage: " + cl.getHelp().synopsis("Usage: ".length()).stripTrailing();
    }
}
