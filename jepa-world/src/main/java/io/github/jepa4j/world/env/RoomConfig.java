package io.github.jepa4j.world.env;

import java.util.Locale;

/**
 * Geometry and rendering size of the two-room world of {@link RoomEnv}; all lengths are in room
 * units (the world is the unit square {@code [0, 1] x [0, 1]}).
 *
 * <p>Defaults ({@link #defaults()}): 32 x 32 images, at most 0.06 displacement per step and axis,
 * walls 0.04 thick, a door 0.3 wide centred vertically in the middle wall, agent radius 0.08.
 * Why so large an agent: a disc of about 5 pixels across overlaps its previous rendering after a
 * step and covers parts of several 8 x 8 patches, so a ViT's embedding can vary smoothly with the
 * position (with radius 0.03, one or two pixels, a linear probe on a temporal-pair VICReg encoder
 * recovered the position only to R² 0.6; with 0.08 and an expander, 0.99). The door leaves the
 * agent's centre a gap of {@code 0.3 - 2 * 0.08 = 0.14}, as the earlier 0.2 door with radius 0.03.
 *
 * @param imageSize     rendered image side S in pixels (&gt;= 8)
 * @param maxStep       displacement per step and axis for an action component of 1 (in (0, 0.5])
 * @param wallThickness thickness of the outer walls and of the middle wall (in (0, 0.2])
 * @param doorWidth     height of the gap in the middle wall, centred at y = 0.5; must exceed the
 *                      agent's diameter so that the agent fits through
 * @param agentRadius   radius of the agent's disc (positive)
 */
public record RoomConfig(int imageSize, double maxStep, double wallThickness, double doorWidth, double agentRadius) {

    public RoomConfig {
        if (imageSize < 8) {
            throw new IllegalArgumentException("RoomConfig imageSize must be >= 8, got " + imageSize);
        }
        if (!(maxStep > 0 && maxStep <= 0.5)) {
            throw new IllegalArgumentException("RoomConfig maxStep must be in (0, 0.5], got " + maxStep);
        }
        if (!(wallThickness > 0 && wallThickness <= 0.2)) {
            throw new IllegalArgumentException("RoomConfig wallThickness must be in (0, 0.2], got " + wallThickness);
        }
        if (!(agentRadius > 0 && agentRadius < 0.1)) {
            throw new IllegalArgumentException("RoomConfig agentRadius must be in (0, 0.1), got " + agentRadius);
        }
        if (!(doorWidth > 2 * agentRadius && doorWidth < 1 - 2 * wallThickness)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "RoomConfig doorWidth must be in (2 * agentRadius, 1 - 2 * wallThickness) = (%s, %s), got %s",
                    2 * agentRadius, 1 - 2 * wallThickness, doorWidth));
        }
        if (!(0.5 - wallThickness / 2 - 2 * agentRadius > wallThickness)) {
            throw new IllegalArgumentException("RoomConfig: rooms too small for agentRadius " + agentRadius
                    + " and wallThickness " + wallThickness);
        }
    }

    /** The default configuration: 32 px, maxStep 0.06, walls 0.04, door 0.3, agent radius 0.08. */
    public static RoomConfig defaults() {
        return new RoomConfig(32, 0.06, 0.04, 0.3, 0.08);
    }

    /** This configuration with another image size. */
    public RoomConfig withImageSize(int size) {
        return new RoomConfig(size, maxStep, wallThickness, doorWidth, agentRadius);
    }

    /** This configuration with another maximum step. */
    public RoomConfig withMaxStep(double step) {
        return new RoomConfig(imageSize, step, wallThickness, doorWidth, agentRadius);
    }
}
