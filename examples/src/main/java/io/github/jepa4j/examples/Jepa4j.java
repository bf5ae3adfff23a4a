package io.github.jepa4j.examples;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code jepa4j} command line: {@code train}, {@code eval}, {@code plan}. */
@Command(name = "jepa4j", mixinStandardHelpOptions = true, version = "jepa4j 0.1.0",
        description = "JEPA self-supervised training on the JVM.",
        subcommands = {Jepa4j.Train.class, Jepa4j.Eval.class, PlanCommand.class})
public final class Jepa4j implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line; returns the exit code (for tests). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Jepa4j());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("jepa4j: " + ex.getMessage());
            if (System.getenv("JEPA4J_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return 2;
        });
        return cl.execute(args);
    }

    /** Settings shared by train and eval; unset flags keep the config file's or the default value. */
    static class Settings {
        @Option(names = "--config", description = "YAML or JSON file of settings (see README)") Path config;
        @Option(names = "--data", description = "shapes (built-in, default), fashion-mnist, or a directory;"
                + " video: balls (built-in bouncing balls, default) or a video folder") String data;
        @Option(names = "--data-dir", description = "Fashion-MNIST directory (default /usr/share/datasets/fashion-mnist);"
                + " video: where the built-in videos are generated (default OUT/../data)") String dataDir;
        @Option(names = "--train-size", description = "images in the built-in shapes training split") Integer trainSize;
        @Option(names = "--method", description = "ijepa (images, default), vicreg, sigreg, barlow, ema; vjepa (video)") String method;
        @Option(names = "--anti-collapse", description = "extra anti-collapse term for ijepa/vjepa: none, vicreg, sigreg,"
                + " barlow, ema") String antiCollapse;
        @Option(names = "--anti-collapse-weight", description = "its weight in the total loss") Double antiCollapseWeight;
        @Option(names = "--anti-collapse-on", description = "what a vicreg/sigreg term sees: pooled (each input's mean"
                + " context embedding, default) or tokens (every context token)") String antiCollapseOn;
        @Option(names = "--model", description = "encoder size: ref (default), tiny, small, base") String model;
        @Option(names = "--patch", description = "patch size (default: the model's)") Integer patch;
        @Option(names = "--predictor-dim") Integer predictorDim;
        @Option(names = "--predictor-depth") Integer predictorDepth;
        @Option(names = "--epochs", description = "passes over the data; 0 evaluates the untrained encoder") Integer epochs;
        @Option(names = "--max-steps", description = "cap on optimisation steps") Long maxSteps;
        @Option(names = "--batch") Integer batch;
        @Option(names = "--lr") Double lr;
        @Option(names = "--seed") Long seed;
        @Option(names = "--workers", description = "data-loading threads") Integer workers;
        @Option(names = {"--out", "-o"}, description = "output directory (default runs/latest)") String out;
        @Option(names = "--log-every") Integer logEvery;
        @Option(names = "--checkpoint-every") Integer checkpointEvery;
        @Option(names = "--eval-train", description = "training images for the probes") Integer evalTrain;
        @Option(names = "--eval-test", description = "test images for the probes") Integer evalTest;
        @Option(names = "--modality", description = "image (default) or video") String modality;
        @Option(names = "--frames", description = "video: frames per clip") Integer frames;
        @Option(names = "--stride", description = "video: frame stride in a clip") Integer stride;
        @Option(names = "--tubelet", description = "video: frames per token") Integer tubelet;
        @Option(names = "--clip-size", description = "video: clip height and width in pixels") Integer clipSize;
        @Option(names = "--videos", description = "video: number of built-in bouncing-ball videos") Integer videos;
        @Option(names = "--video-frames", description = "video: frames per built-in video") Integer videoFrames;
        @Option(names = "--cache-mb", description = "video: decoded-clip cache in MB (0: none)") Integer cacheMb;
        @Option(names = "--on-bad-input", description = "video: skip (warn) or fail on bad files and label rows") String onBadInput;

        @Option(names = "--crop-scale", paramLabel = "MIN", description = "ijepa: random resized crop of area [MIN, 1]"
                + " back to the input size before masking (I-JEPA uses 0.3; default 0: none)") Double cropScale;
        @Option(names = "--ragged-context", description = "ijepa: every image keeps its whole context (padded, masked"
                + " out of attention) instead of cutting all to the batch's shortest, as I-JEPA does") Boolean raggedContext;
        @Option(names = "--mask-targets", description = "ijepa: target blocks per image (default 4, as I-JEPA)") Integer maskTargets;
        @Option(names = "--mask-target-scale", split = ",", paramLabel = "MIN,MAX", description = "ijepa: area of each"
                + " target block as a fraction of the patch grid (default 0.15,0.2, as I-JEPA)") java.util.List<Double> maskTargetScale;
        @Option(names = "--mask-context-scale", split = ",", paramLabel = "MIN,MAX", description = "ijepa: area of the"
                + " context block before the targets are cut out (default 0.85,1, as I-JEPA)") java.util.List<Double> maskContextScale;
        @Option(names = "--future-mask", description = "video: add a mask generator that hides the last FRACTION of each"
                + " clip's time steps (predict the future; default 0: V-JEPA's two generators only)", paramLabel = "FRACTION")
        Double futureMask;
        @Option(names = "--ema-start", description = "video: EMA-target momentum at step 0 (default 0.998)") Double emaStart;
        @Option(names = "--probe-encoder", description = "encoder the probes read: target (the EMA teacher, default) or context") String probeEncoder;

        @Option(names = "--eval-epochs", split = ",", paramLabel = "E1,E2,..",
                description = "images: also evaluate at the end of these epochs (OUT/evals.csv)") java.util.List<Integer> evalEpochs;

        RunConfig resolve() throws Exception {
            String mod = modality != null ? modality : config != null ? RunConfig.modalityIn(config) : null;
            RunConfig base = RunConfig.defaults(mod);
            if (config != null) {
                base = RunConfig.overlay(base, config);
            }
            return base.with(given());
        }

        /** The settings given as flags (camelCase names of {@link RunConfig}), nothing else. */
        Map<String, Object> given() {
            Map<String, Object> o = new LinkedHashMap<>();
            put(o, "data", data);
            put(o, "dataDir", dataDir);
            put(o, "trainSize", trainSize);
            put(o, "method", method);
            put(o, "antiCollapse", antiCollapse);
            put(o, "antiCollapseWeight", antiCollapseWeight);
            put(o, "antiCollapseOn", antiCollapseOn);
            put(o, "model", model);
            put(o, "patch", patch);
            put(o, "predictorDim", predictorDim);
            put(o, "predictorDepth", predictorDepth);
            put(o, "epochs", epochs);
            put(o, "maxSteps", maxSteps);
            put(o, "batch", batch);
            put(o, "lr", lr);
            put(o, "seed", seed);
            put(o, "workers", workers);
            put(o, "out", out);
            put(o, "logEvery", logEvery);
            put(o, "checkpointEvery", checkpointEvery);
            put(o, "evalTrain", evalTrain);
            put(o, "evalTest", evalTest);
            put(o, "modality", modality);
            put(o, "frames", frames);
            put(o, "stride", stride);
            put(o, "tubelet", tubelet);
            put(o, "clipSize", clipSize);
            put(o, "videos", videos);
            put(o, "videoFrames", videoFrames);
            put(o, "cacheMb", cacheMb);
            put(o, "onBadInput", onBadInput);
            put(o, "emaStart", emaStart);
            put(o, "futureMask", futureMask);
            put(o, "cropScale", cropScale);
            put(o, "raggedContext", raggedContext);
            put(o, "maskTargets", maskTargets);
            put(o, "maskTargetScale", maskTargetScale);
            put(o, "maskContextScale", maskContextScale);
            put(o, "probeEncoder", probeEncoder);
            put(o, "evalEpochs", evalEpochs);
            return o;
        }

        private static void put(Map<String, Object> m, String k, Object v) {
            if (v != null) {
                m.put(k, v);
            }
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train a JEPA (default: I-JEPA on built-in shapes for a few minutes), then evaluate it.")
    static final class Train extends Settings implements Callable<Integer> {
        @Option(names = "--resume", description = "continue the run in --out from its last checkpoint") boolean resume;

        @Override
        public Integer call() throws Exception {
            RunConfig c = resolve();
            Map<String, Object> s = TrainRun.run(c, resume);
            System.out.println(RunConfig.JSON.writeValueAsString(s));
            return 0;
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "Evaluate a saved encoder (linear probe, kNN, collapse metrics) on --data, "
                    + "or with --pixels the raw-pixel baseline under the same probes.")
    static final class Eval extends Settings implements Callable<Integer> {
        @Option(names = "--checkpoint", description = "a checkpoint file written by train") Path checkpoint;
        @Option(names = "--pixels", description = "images: probe the raw pixels of --data instead of an encoder (the baseline)")
        boolean pixels;

        @Override
        public Integer call() throws Exception {
            if ((checkpoint != null) == pixels) {
                throw new IllegalArgumentException("eval needs exactly one of --checkpoint FILE (an encoder) or --pixels (the raw-pixel baseline)");
            }
            Map<String, Object> s = pixels ? EvalRun.pixels(this) : EvalRun.run(checkpoint, this);
            System.out.println(RunConfig.JSON.writeValueAsString(s));
            return 0;
        }
    }
}
