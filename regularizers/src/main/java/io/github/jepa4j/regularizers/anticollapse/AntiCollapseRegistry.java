package io.github.jepa4j.regularizers.anticollapse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.jepa4j.core.task.AntiCollapse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Finds anti-collapse modules by name, so tasks and run configurations never name a concrete
 * class: {@code vicreg} ({@link VicReg}), {@code sigreg} ({@link SigReg}), {@code barlow}
 * ({@link BarlowTwins}) and {@code ema} ({@link EmaDistillation}).
 *
 * <p>A module is built from its typed config record, or from JSON: the JSON object's fields
 * override the defaults (so {@code {"stdCoeff": 10}} is VICReg with the paper's other values);
 * a missing or null config means the defaults. Unknown names, unknown fields and invalid values
 * are {@link IllegalArgumentException}s that list what is valid. Names are case-insensitive.
 */
public final class AntiCollapseRegistry {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private record Entry<C>(Class<C> type, Supplier<C> defaults, Function<C, AntiCollapse> factory) {
        AntiCollapse build(Object config) {
            return factory.apply(type.cast(config));
        }
    }

    private static final Map<String, Entry<?>> ENTRIES = new LinkedHashMap<>();

    static {
        ENTRIES.put(VicReg.NAME, new Entry<>(VicRegConfig.class, VicRegConfig::defaults, VicReg::new));
        ENTRIES.put(SigReg.NAME, new Entry<>(SigRegConfig.class, SigRegConfig::defaults, SigReg::new));
        ENTRIES.put(BarlowTwins.NAME, new Entry<>(BarlowTwinsConfig.class, BarlowTwinsConfig::defaults, BarlowTwins::new));
        ENTRIES.put(EmaDistillation.NAME, new Entry<>(EmaDistillationConfig.class, EmaDistillationConfig::defaults, EmaDistillation::new));
    }

    private AntiCollapseRegistry() {}

    /** The registered names: {@code vicreg, sigreg, barlow, ema}. */
    public static List<String> names() {
        return List.copyOf(ENTRIES.keySet());
    }

    /** The module {@code name} with its default settings. */
    public static AntiCollapse create(String name) {
        Entry<?> e = entry(name);
        return e.build(e.defaults().get());
    }

    /**
     * The module {@code name} configured from JSON: an object whose fields override the defaults,
     * or null / JSON null for the defaults.
     */
    public static AntiCollapse create(String name, JsonNode config) {
        Entry<?> e = entry(name);
        return e.build(parse(name, e, config));
    }

    /** The module {@code name} from its typed config record (e.g. a {@link VicRegConfig} for {@code vicreg}). */
    public static AntiCollapse create(String name, Object config) {
        Entry<?> e = entry(name);
        if (config == null) {
            return e.build(e.defaults().get());
        }
        if (config instanceof JsonNode node) {
            return create(name, node);
        }
        if (!e.type().isInstance(config)) {
            throw new IllegalArgumentException("anti-collapse '" + name + "' is configured by a " + e.type().getSimpleName()
                    + ", got a " + config.getClass().getSimpleName());
        }
        return e.build(config);
    }

    /** The config record type of {@code name}. */
    public static Class<?> configType(String name) {
        return entry(name).type();
    }

    /** The default config record of {@code name}. */
    public static Object defaultConfig(String name) {
        return entry(name).defaults().get();
    }

    private static Entry<?> entry(String name) {
        Entry<?> e = name == null ? null : ENTRIES.get(name.toLowerCase(Locale.ROOT));
        if (e == null) {
            throw new IllegalArgumentException("unknown anti-collapse method '" + name + "'; valid names: " + names());
        }
        return e;
    }

    private static Object parse(String name, Entry<?> e, JsonNode config) {
        Object defaults = e.defaults().get();
        if (config == null || config.isNull() || config.isMissingNode()) {
            return defaults;
        }
        if (!config.isObject()) {
            throw new IllegalArgumentException("anti-collapse '" + name + "' config must be a JSON object, got " + config);
        }
        ObjectNode merged = JSON.valueToTree(defaults);
        List<String> valid = new ArrayList<>();
        merged.fieldNames().forEachRemaining(valid::add);
        Iterator<Map.Entry<String, JsonNode>> fields = config.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (!merged.has(f.getKey())) {
                throw new IllegalArgumentException("anti-collapse '" + name + "' has no setting '" + f.getKey()
                        + "'; valid settings: " + valid);
            }
            merged.set(f.getKey(), f.getValue());
        }
        try {
            return JSON.treeToValue(merged, e.type());
        } catch (JsonProcessingException ex) {
            Throwable cause = ex;
            while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
                cause = cause.getCause();
            }
            String why = cause instanceof IllegalArgumentException ? cause.getMessage() : ex.getOriginalMessage();
            throw new IllegalArgumentException("invalid config for anti-collapse '" + name + "' " + config + ": " + why, ex);
        }
    }
}
