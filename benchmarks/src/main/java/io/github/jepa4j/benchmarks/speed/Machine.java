package io.github.jepa4j.benchmarks.speed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the speed table says about the machine: ND4J backend and device name, process memory
 * (Linux {@code /proc/self/status}) and load; the sgemm reference rate is {@link SgemmSampler}'s.
 */
public final class Machine {
    private Machine() {}

    /** "CPU" or "CUDA", from {@code Nd4j.getEnvironment()}, with the backend class. */
    public static String backend() {
        String kind = Nd4j.getEnvironment().isCPU() ? "CPU" : "CUDA";
        return kind + " (" + Nd4j.getBackend().getClass().getSimpleName() + ")";
    }

    /** The JVM's garbage collectors, e.g. "PS Scavenge + PS MarkSweep" (the parallel collector). */
    public static String collectors() {
        StringBuilder s = new StringBuilder();
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            s.append(s.length() > 0 ? " + " : "").append(gc.getName());
        }
        return s.length() > 0 ? s.toString() : "unknown";
    }

    /** The GPU name(s) from ND4J's environment information, else the CPU model from /proc/cpuinfo. */
    public static String device() {
        if (!Nd4j.getEnvironment().isCPU()) {
            Properties p = Nd4j.getExecutioner().getEnvironmentInformation();
            Object devs = p.get("cuda.devicesInformation");
            if (devs instanceof List<?> list && !list.isEmpty()) {
                StringBuilder s = new StringBuilder();
                for (Object d : list) {
                    if (d instanceof Map<?, ?> m && m.get("cuda.deviceName") != null) {
                        s.append(s.length() > 0 ? ", " : "").append(m.get("cuda.deviceName"));
                    }
                }
                if (s.length() > 0) {
                    return s.toString();
                }
            }
            return "GPU (name unavailable)";
        }
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    return l.substring(l.indexOf(':') + 1).trim().replaceAll("\\s+", " ");
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }

    /** A value of /proc/self/status in MB ("VmRSS", "VmHWM"), or -1 when unavailable. */
    public static double statusMb(String key) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(key + ":")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The 1-minute load average (Linux /proc/loadavg), or "?" where unavailable. */
    public static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** Current resident set size in MB, or -1. */
    public static double rssMb() {
        return statusMb("VmRSS");
    }

    /** Resets the kernel's peak-RSS counter (VmHWM) to the current RSS; false where not supported. */
    public static boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
