package dev.outbox.bench;

import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The PNG of a soak, over time (minutes since the start, a point per interval's end): throughput, p99 latencies (log
 * scale), RSS by process, disk by component (the legend is shared, so RSS and disk series say which they are).
 * Flat lines are what a soak should show.
 */
final class SoakPlot {

    private SoakPlot() {
    }

    static void write(SoakResults r, Path png) throws IOException {
        List<SoakInterval> intervals = r.intervals();
        XYSeriesCollection throughput = new XYSeriesCollection();
        throughput.addSeries(series("accepted orders/s", intervals, i -> i.orders().acceptedPerSecond()));

        XYSeriesCollection latency = new XYSeriesCollection();
        latency.addSeries(p99("POST /orders p99", intervals, i -> i.orders().post()));
        latency.addSeries(p99("accepted -> view p99", intervals, i -> i.orders().acceptedToView()));
        latency.addSeries(p99("accepted -> delivery.status p99", intervals, i -> i.orders().acceptedToStatusTopic()));
        latency.addSeries(p99("delivery command p99", intervals, i -> i.commands().latency()));

        XYSeriesCollection rss = new XYSeriesCollection();
        for (String process : r.pids().keySet()) {
            rss.addSeries(series("RSS: " + process, intervals, i -> i.rssMiB().getOrDefault(process, Double.NaN)));
        }

        XYSeriesCollection disk = new XYSeriesCollection();
        for (String component : DiskUsage.COMPONENTS) {
            disk.addSeries(series("disk: " + component, intervals, i -> {
                long bytes = i.disk().bytes().getOrDefault(component, -1L);
                return bytes < 0 ? Double.NaN : bytes / (1024.0 * 1024);
            }));
        }

        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("minutes since the start"));
        plot.add(new XYPlot(throughput, null, axis("accepted/s"), new XYLineAndShapeRenderer(true, true)), 2);
        plot.add(new XYPlot(latency, null, ResultsPlot.latencyAxis(), new XYLineAndShapeRenderer(true, true)), 3);
        plot.add(new XYPlot(rss, null, axis("RSS (MiB)"), new XYLineAndShapeRenderer(true, true)), 3);
        plot.add(new XYPlot(disk, null, axis("disk (MiB)"), new XYLineAndShapeRenderer(true, true)), 3);
        ResultsPlot.save(plot, "Soak at " + LoadBenchmark.fmt(r.rate()) + " orders/s, " + r.machine().cores()
                + " cores, " + r.startedAt(), png, 1100);
    }

    private static NumberAxis axis(String label) {
        NumberAxis axis = new NumberAxis(label);
        axis.setAutoRangeIncludesZero(true); // a flat line should look flat, not like noise magnified
        return axis;
    }

    private static XYSeries series(String name, List<SoakInterval> intervals, ToDoubleFunction<SoakInterval> value) {
        XYSeries series = new XYSeries(name);
        for (SoakInterval i : intervals) {
            double v = value.applyAsDouble(i);
            if (!Double.isNaN(v)) {
                series.add(i.endMinutes(), v);
            }
        }
        return series;
    }

    private static XYSeries p99(String name, List<SoakInterval> intervals, Function<SoakInterval, Latency.Percentiles> of) {
        XYSeries series = new XYSeries(name);
        for (SoakInterval i : intervals) {
            Latency.Percentiles p = of.apply(i);
            if (p != null) {
                series.add(i.endMinutes(), Math.max(0.5, p.p99())); // the log axis starts at 0.5 ms
            }
        }
        return series;
    }
}
