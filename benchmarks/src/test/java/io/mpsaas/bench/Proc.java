package io.mpsaas.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Resident memory of a process, from {@code /proc/<pid>/status}, and a sampler keeping each process's peak; CPU time
 * of a process and of the machine, from {@code /proc/<pid>/stat} and {@code /proc/stat}, to say where the cores went
 * during a benchmark; a JVM's collector pauses, from its performance counters.
 */
public final class Proc {

    private final Map<String, Long> peakKb = new ConcurrentHashMap<>();
    private final Map<String, Long> pids = new ConcurrentHashMap<>();
    private volatile boolean running = true;
    private final Thread sampler = new Thread(this::sample, "rss-sampler");

    private Proc() {
    }

    /** VmRSS in MB, or -1 when the process is gone. */
    public static double rssMb(long pid) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
            for (String line : lines) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
            return -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** User + system CPU seconds the process has used so far, or -1 when it is gone. */
    public static double cpuSeconds(long pid) {
        try {
            return cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))) / (double) CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** User + system clock ticks of a {@code stat} line of a process or a thread. */
    private static long cpuTicks(String stat) {
        // the command name (field 2) may hold spaces: the fields after it start behind its closing parenthesis
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // utime and stime: fields 14 and 15 of the whole line, 12 and 13 after the name and state
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * User + system CPU seconds the process's JIT compiler threads ({@code C1 CompilerThre...}, {@code C2
     * CompilerThre...}) have used so far, or -1 when the process is gone. Only live threads count: a compiler thread
     * the JVM stopped while idle takes its CPU time with it, so a difference of two readings is a lower bound.
     */
    public static double compilerCpuSeconds(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (var threads = Files.list(tasks)) {
            long ticks = 0;
            for (Path thread : (Iterable<Path>) threads::iterator) {
                try {
                    String stat = Files.readString(thread.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        ticks += cpuTicks(stat);
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended while being read: it no longer counts
                }
            }
            return ticks / (double) CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Runs the JDK's {@code jcmd} on the JVM {@code pid} ({@code jcmd <pid> <args>}) and answers its output; throws
     * when it fails. A JVM of its own: call it outside what is measured.
     */
    static String jcmd(long pid, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd")
                .toString(), Long.toString(pid)));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + String.join(" ", args) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The stop-the-world pauses of a JVM's collectors so far: young collections (ZGC's minor pauses), and old (the
     * serial collector's full collections; G1's old and concurrent ones; ZGC's major pauses), each counted and timed.
     */
    public record GcPauses(long young, double youngSeconds, long old, double oldSeconds) {

        /** A service's, from its performance counters ({@link #jcmd}); {@code null} when they cannot be read. */
        public static GcPauses of(long pid) {
            try {
                Map<String, String> counters = new HashMap<>();
                for (String line : jcmd(pid, "PerfCounter.print").split("\\R")) {
                    int eq = line.indexOf('=');
                    if (eq > 0 && line.startsWith("sun.")) {
                        counters.put(line.substring(0, eq), line.substring(eq + 1));
                    }
                }
                double frequency = Double.parseDouble(counters.get("sun.os.hrt.frequency"));
                return new GcPauses(Long.parseLong(counters.get("sun.gc.collector.0.invocations")),
                        Long.parseLong(counters.get("sun.gc.collector.0.time")) / frequency,
                        Long.parseLong(counters.get("sun.gc.collector.1.invocations")),
                        Long.parseLong(counters.get("sun.gc.collector.1.time")) / frequency);
            } catch (RuntimeException e) {
                return null;
            }
        }

        /**
         * This JVM's (the sandbox's and the load generator's), from its collector beans: those whose name says young
         * (G1) or minor (ZGC), and the rest; ZGC's cycle beans are left out, as their time is that of the concurrent
         * cycles, not of pauses (its pause beans count those).
         */
        public static GcPauses ofThisJvm() {
            long young = 0;
            long youngMillis = 0;
            long old = 0;
            long oldMillis = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                String name = gc.getName().toLowerCase(Locale.ROOT);
                if (name.endsWith(" cycles")) {
                    continue;
                }
                if (name.contains("young") || name.contains("minor")) {
                    young += Math.max(0, gc.getCollectionCount());
                    youngMillis += Math.max(0, gc.getCollectionTime());
                } else {
                    old += Math.max(0, gc.getCollectionCount());
                    oldMillis += Math.max(0, gc.getCollectionTime());
                }
            }
            return new GcPauses(young, youngMillis / 1000.0, old, oldMillis / 1000.0);
        }

        /**
         * Has the JVM {@code pid} run a full collection now ({@code jcmd GC.run}), answering whether it did: what a
         * long-running instance's collector has long since done with the garbage of its start.
         */
        public static boolean collect(long pid) {
            try {
                jcmd(pid, "GC.run");
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }

        /** The pauses between {@code before} and this. */
        public GcPauses since(GcPauses before) {
            return new GcPauses(young - before.young, youngSeconds - before.youngSeconds, old - before.old,
                    oldSeconds - before.oldSeconds);
        }

        /** "young N (X ms in all) / old N (Y ms)". */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "young %d (%.0f ms in all) / old %d (%.0f ms)", young,
                    youngSeconds * 1000, old, oldSeconds * 1000);
        }
    }

    /** CPU seconds the whole machine has spent busy (all cores: user, nice, system, irq, softirq, steal) so far. */
    public static double machineBusySeconds() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(cpu[i]);
            }
            return busy / (double) CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU seconds used so far by the services measured, by this JVM (the sandbox: DynamoDB Local, ElasticMQ, the
     * simulator, and the load generator) and by the whole machine; two of them apart are where the cores went. Of the
     * services' and this JVM's, their JIT compiler threads' ({@link #compilerCpuSeconds}: a lower bound).
     */
    public record CpuTimes(double services, double harness, double machine, double servicesJit, double harnessJit) {

        /** Now, the services being the processes {@code servicePids}. */
        public static CpuTimes now(long... servicePids) {
            double services = 0;
            double servicesJit = 0;
            for (long pid : servicePids) {
                services += cpuSeconds(pid);
                servicesJit += Math.max(0, compilerCpuSeconds(pid));
            }
            long harness = ProcessHandle.current().pid();
            return new CpuTimes(services, cpuSeconds(harness), machineBusySeconds(), servicesJit,
                    Math.max(0, compilerCpuSeconds(harness)));
        }

        /** What was used between {@code before} and this. */
        public CpuTimes since(CpuTimes before) {
            return new CpuTimes(services - before.services, harness - before.harness, machine - before.machine,
                    servicesJit - before.servicesJit, harnessJit - before.harnessJit);
        }

        /** "services / harness / machine of the seconds' worth the cores had" (this being a difference). */
        public String of(double seconds) {
            return String.format(java.util.Locale.ROOT, "%.1f / %.1f / %.1f of %.1f available", services, harness,
                    machine, seconds * Runtime.getRuntime().availableProcessors());
        }
    }

    /**
     * TCP connections this machine has opened so far ({@code ActiveOpens} of {@code /proc/net/snmp}): a rise per
     * request means clients open a connection per call instead of reusing one. Every process counts, so only a quiet
     * machine gives the service's own.
     */
    public static long tcpConnectionsOpened() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("Tcp:") && lines.get(i).contains("ActiveOpens")) {
                    List<String> names = List.of(lines.get(i).split(" +"));
                    return Long.parseLong(lines.get(i + 1).split(" +")[names.indexOf("ActiveOpens")]);
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** USER_HZ of Linux on x86-64 (what {@code getconf CLK_TCK} answers). */
    private static final int CLOCK_TICKS = 100;

    /** Starts sampling every 200 ms. */
    public static Proc sampler() {
        Proc proc = new Proc();
        proc.sampler.setDaemon(true);
        proc.sampler.start();
        return proc;
    }

    /** Follows a process under a name (a new pid for the same name keeps the name's peak). */
    public void watch(String name, long pid) {
        pids.put(name, pid);
    }

    public void forget(String name) {
        pids.remove(name);
    }

    /** The highest RSS seen for the name, in MB. */
    public double peakMb(String name) {
        return peakKb.getOrDefault(name, -1L) / 1024.0;
    }

    public void resetPeak(String name) {
        peakKb.remove(name);
    }

    private void sample() {
        while (running) {
            pids.forEach((name, pid) -> {
                double mb = rssMb(pid);
                if (mb > 0) {
                    peakKb.merge(name, (long) (mb * 1024), Math::max);
                }
            });
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    public void stop() {
        running = false;
        sampler.interrupt();
    }
}
