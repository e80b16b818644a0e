package dev.outbox.bench;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import java.util.function.Function;

/** The PNG of a run: latency (log scale) above, CPU per order by process below, both by offered rate. */
final class ResultsPlot {

    private ResultsPlot() {
    }

    static void write(Results r, Path png) throws IOException {
        List<Results.Step> steps = r.sweep();
        XYSeriesCollection latency = new XYSeriesCollection();
        latency.addSeries(series("accepted -> view p50", steps, s -> s.acceptedToView(), Latency.Percentiles::p50));
        latency.addSeries(series("accepted -> view p99", steps, s -> s.acceptedToView(), Latency.Percentiles::p99));
        latency.addSeries(series("accepted -> delivery.status p99", steps, s -> s.acceptedToStatusTopic(), Latency.Percentiles::p99));
        latency.addSeries(series("POST /orders p99", steps, s -> s.post(), Latency.Percentiles::p99));
        XYPlot top = new XYPlot(latency, null, latencyAxis(), new XYLineAndShapeRenderer(true, true));

        XYSeriesCollection cpu = new XYSeriesCollection();
        for (String process : r.pids().keySet().stream().filter(n -> !n.equals(ProcessMeter.LOAD_GENERATOR)).toList()) {
            XYSeries s = new XYSeries(process);
            steps.forEach(step -> {
                Double v = step.cpuMsPerOrder().get(process);
                if (v != null && !v.isNaN()) {
                    s.add(step.targetRate(), v);
                }
            });
            cpu.addSeries(s);
        }
        XYSeries total = new XYSeries("total (stack)");
        steps.forEach(step -> total.add(step.targetRate(), step.cpuMsPerOrderTotal()));
        cpu.addSeries(total);
        XYPlot bottom = new XYPlot(cpu, null, new NumberAxis("CPU ms per order"), new XYLineAndShapeRenderer(true, true));

        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("offered rate (orders/s)"));
        plot.add(top, 3);
        plot.add(bottom, 2);
        save(plot, "Order pipeline under load, " + r.machine().cores() + " cores, " + r.startedAt(), png, 700);
    }

    /** The latency axis of the project's plots: milliseconds on a log scale, a tick per power of ten. */
    static LogAxis latencyAxis() {
        LogAxis ms = new LogAxis("latency (ms, log)");
        ms.setSmallestValue(0.5);
        ms.setTickUnit(new NumberTickUnit(1)); // one tick per power of ten: 1, 10, 100, 1000 ms
        ms.setNumberFormatOverride(new DecimalFormat("#,##0.#"));
        return ms;
    }

    /** Writes {@code plot} as a 1000 px wide PNG in the project's style: white, light grey grid lines, a legend. */
    static void save(CombinedDomainXYPlot plot, String title, Path png, int height) throws IOException {
        for (XYPlot p : plot.getSubplots()) {
            p.setBackgroundPaint(Color.WHITE);
            p.setRangeGridlinePaint(Color.LIGHT_GRAY);
            p.setDomainGridlinePaint(Color.LIGHT_GRAY);
        }
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, height);
    }

    private static XYSeries series(String name, List<Results.Step> steps, Function<Results.Step, Latency.Percentiles> of,
                                   Function<Latency.Percentiles, Double> value) {
        XYSeries series = new XYSeries(name);
        for (Results.Step s : steps) {
            Latency.Percentiles p = of.apply(s);
            if (p != null) {
                series.add(s.targetRate(), Math.max(0.5, value.apply(p)));
            }
        }
        return series;
    }
}
