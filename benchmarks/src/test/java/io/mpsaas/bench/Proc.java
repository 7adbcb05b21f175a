package io.mpsaas.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Resident memory of a process, from {@code /proc/<pid>/status}, and a sampler keeping each process's peak. */
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
