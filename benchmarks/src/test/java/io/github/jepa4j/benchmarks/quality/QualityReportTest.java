package io.github.jepa4j.benchmarks.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.benchmarks.quality.QualityReport.Entry;
import io.github.jepa4j.benchmarks.quality.QualityReport.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verdict logic of the quality target, on hand-made entries. */
class QualityReportTest {
    private static Entry e(String name, String kind, double acc) {
        return new Entry(name, kind, acc, 1e-6, acc - 0.03, 20, name + ".json");
    }

    private static final Entry PIXELS = e("raw pixels", "pixels", 0.843);
    private static final Entry UNTRAINED = e("untrained", "untrained", 0.721);

    @Test
    void theMeanOfTheRunsMustBeatPixelsAndUntrainedStrictly() {
        QualityReport below = new QualityReport(List.of(e("s0", "jepa4j", 0.841), e("s1", "jepa4j", 0.830)), PIXELS, UNTRAINED,
                List.of(), 0.87, 10000);
        assertEquals(0.8355, below.mean(), 1e-12);
        assertEquals(Math.sqrt((0.0055 * 0.0055 * 2) / 1), below.sd(), 1e-12);
        assertEquals(Math.sqrt(0.8355 * 0.1645 / 10000), below.standardError(), 1e-12);
        List<Verdict> v = below.verdicts();
        assertEquals(List.of("beats the raw-pixel baseline", "beats the same encoder untrained", "reaches the aim"),
                v.stream().map(Verdict::bar).toList());
        assertFalse(v.get(0).met());
        assertTrue(v.get(1).met());
        assertFalse(v.get(2).hard());
        assertFalse(below.passed(), "a mean below the pixels must fail");

        // One seed above the pixels does not carry a mean below them; a mean above does.
        assertTrue(new QualityReport(List.of(e("s0", "jepa4j", 0.850), e("s1", "jepa4j", 0.840)), PIXELS, UNTRAINED, List.of(),
                0.87, 10000).passed());
        // Equal is not beaten.
        assertFalse(new QualityReport(List.of(e("s0", "jepa4j", 0.843)), PIXELS, UNTRAINED, List.of(), 0.87, 10000).passed());
        // Above the pixels but not above the untrained encoder (a contrived baseline) still fails.
        assertFalse(new QualityReport(List.of(e("s0", "jepa4j", 0.85)), PIXELS, e("untrained", "untrained", 0.86), List.of(),
                0.87, 10000).passed());
        // The aim and PyTorch are reported, never required.
        QualityReport soft = new QualityReport(List.of(e("s0", "jepa4j", 0.85)), PIXELS, UNTRAINED,
                List.of(e("t0", "pytorch", 0.86), e("t1", "pytorch", 0.84)), 0.87, 10000);
        assertTrue(soft.passed());
        Verdict torch = soft.verdicts().get(2);
        assertEquals("reaches the PyTorch implementation", torch.bar());
        assertEquals(0.85, torch.threshold(), 1e-12);
        assertTrue(torch.met(), "equal to PyTorch's mean reaches it");
        assertFalse(soft.verdicts().get(3).met());
    }

    @Test
    void reportAndCsvCarryEveryEntryAndTheVerdicts() {
        QualityReport r = new QualityReport(List.of(e("seed-0", "jepa4j", 0.841), e("seed-1", "jepa4j", 0.830)), PIXELS, UNTRAINED,
                List.of(e("pytorch torch-s0", "pytorch", 0.836)), 0.87, 10000);
        String md = r.markdown();
        assertTrue(md.contains("| raw pixels | pixels | 84.30 % | 1e-06 | 81.30 % | 20.0 |"), md);
        assertTrue(md.contains("linear probe mean 83.55 %"), md);
        assertTrue(md.contains("- FAIL beats the raw-pixel baseline (required): 83.55 % against 84.30 % (-0.75 points)"), md);
        assertTrue(md.contains("- PASS beats the same encoder untrained (required)"), md);
        assertTrue(md.contains("- no reaches the PyTorch implementation (aimed at): 83.55 % against 83.60 %"), md);
        assertTrue(md.contains("a required bar is missed"), md);
        List<String> csv = r.csv().lines().toList();
        assertEquals(QualityReport.CSV_HEADER, csv.get(0));
        assertEquals(6, csv.size());
        assertEquals("seed-1,jepa4j,0.8300,1.00000e-06,0.8000,20.00,seed-1.json", csv.get(4));
    }

    @Test
    void badInputIsNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new QualityReport(List.of(), PIXELS, UNTRAINED, List.of(), 0.87, 10000)).getMessage().contains("at least one"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new QualityReport(List.of(PIXELS), PIXELS, UNTRAINED, List.of(), 87, 10000)).getMessage().contains("aim"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> e("x", "jepa4j", 84.1)).getMessage()
                .contains("x: linear_probe_acc must be in [0, 1], got 84.1"));
    }
}
