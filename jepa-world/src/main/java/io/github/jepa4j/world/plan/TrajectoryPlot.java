package io.github.jepa4j.world.plan;

import io.github.jepa4j.world.env.RoomConfig;
import io.github.jepa4j.world.env.RoomEnv;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A PNG map of episodes: the two rooms (walls in gray), and per episode the path (solid, one
 * colour per episode), the start (filled circle), the goal (a cross), failed episodes labelled
 * with an x, and optionally a second policy's path on the same episode dashed
 * (e.g. greedy). Plain {@code java.awt}, 512 x 512 pixels, y down as in the rendered frames.
 */
public final class TrajectoryPlot {
    private static final int SIZE = 512;
    private static final Color[] COLOURS = {new Color(0xE41A1C), new Color(0x377EB8), new Color(0x4DAF4A),
        new Color(0x984EA3), new Color(0xFF7F00), new Color(0xA65628), new Color(0xF781BF), new Color(0x999999)};

    private TrajectoryPlot() {}

    /**
     * Draws the first {@code max} episodes of {@code traces} (and of {@code others}, dashed, when
     * not null) and writes the PNG to {@code file}.
     */
    public static void write(Path file, RoomConfig config, List<EpisodeTrace> traces, List<EpisodeTrace> others, int max) {
        BufferedImage img = draw(config, traces, others, max);
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            ImageIO.write(img, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The map as an image (see the class doc). */
    public static BufferedImage draw(RoomConfig config, List<EpisodeTrace> traces, List<EpisodeTrace> others, int max) {
        if (traces == null || max < 0) {
            throw new IllegalArgumentException("TrajectoryPlot needs traces and max >= 0");
        }
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            RoomEnv env = new RoomEnv(config);
            for (int py = 0; py < SIZE; py++) {
                for (int px = 0; px < SIZE; px++) {
                    boolean wall = env.inWall((px + 0.5) / SIZE, (py + 0.5) / SIZE);
                    img.setRGB(px, py, wall ? 0x808080 : 0xF4F4F4);
                }
            }
            int n = Math.min(max, traces.size());
            for (int i = 0; i < n; i++) {
                Color c = COLOURS[i % COLOURS.length];
                if (others != null && i < others.size()) {
                    g.setColor(c.darker());
                    g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 5f}, 0f));
                    g.draw(path(others.get(i).path()));
                }
                EpisodeTrace t = traces.get(i);
                g.setColor(c);
                g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.draw(path(t.path()));
                double[] s = t.spec().start(), goal = t.spec().goal();
                g.fill(new Ellipse2D.Double(s[0] * SIZE - 6, s[1] * SIZE - 6, 12, 12));
                double gx = goal[0] * SIZE, gy = goal[1] * SIZE;
                g.setStroke(new BasicStroke(3f));
                g.drawLine((int) gx - 8, (int) gy - 8, (int) gx + 8, (int) gy + 8);
                g.drawLine((int) gx - 8, (int) gy + 8, (int) gx + 8, (int) gy - 8);
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
                g.drawString(i + (t.success() ? "" : " x"), (float) (s[0] * SIZE + 8), (float) (s[1] * SIZE - 8));
            }
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString("solid: planner, dashed: greedy; dot = start, cross = goal, 'x' = failed", 24, SIZE - 6);
        } finally {
            g.dispose();
        }
        return img;
    }

    private static Path2D path(double[][] pts) {
        Path2D.Double p = new Path2D.Double();
        for (int k = 0; k < pts.length; k++) {
            double x = pts[k][0] * SIZE, y = pts[k][1] * SIZE;
            if (k == 0) {
                p.moveTo(x, y);
            } else {
                p.lineTo(x, y);
            }
        }
        return p;
    }
}
