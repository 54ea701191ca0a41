package dev.archivist.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs the CLI in this JVM with an explicit environment (replacing {@link ConfigOptions#environment} for the call).
 * Log lines are not captured (logging goes to the JVM's stderr); use {@link dev.archivist.testing.CliProcess} for
 * that.
 */
final class InProcessCli {
    private InProcessCli() {
    }

    record Result(int exitCode, String stdout, String stderr) {
        String describe() {
            return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    static synchronized Result run(Map<String, String> env, String... args) {
        Map<String, String> saved = ConfigOptions.environment;
        ConfigOptions.environment = Map.copyOf(env);
        try {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cmd = Main.commandLine();
            cmd.setOut(new PrintWriter(out, true));
            cmd.setErr(new PrintWriter(err, true));
            int code = cmd.execute(args);
            return new Result(code, out.toString(), err.toString());
        } finally {
            ConfigOptions.environment = saved;
        }
    }
}
