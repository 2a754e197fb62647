package dev.circuitlab.experiments.fleet;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB's item size, from which read and write units are computed: the attribute names plus
 * their values (strings as UTF-8 bytes; numbers about one byte per two significant digits plus
 * one; maps and lists 3 bytes plus one per element plus their contents). The number and container
 * rules are the ones dynalite implements (its {@code db/index.js}), which the cross-check test
 * compares with the units dynalite reports.
 */
public final class ItemSize {

    public static final int READ_UNIT_BYTES = 4096;
    public static final int WRITE_UNIT_BYTES = 1024;

    private ItemSize() {
    }

    /** Bytes of an item (0 for a missing item). */
    public static int of(Map<String, AttributeValue> item) {
        if (item == null) {
            return 0;
        }
        int size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += utf8(e.getKey()) + valueSize(e.getValue());
        }
        return size;
    }

    /** Read units of one GetItem of an item this big: per started 4 KB, halved when eventually consistent; at least 1 (0.5). */
    public static double readUnits(int itemBytes, boolean consistent) {
        double units = Math.max(1, (itemBytes + READ_UNIT_BYTES - 1) / READ_UNIT_BYTES);
        return consistent ? units : units / 2;
    }

    /**
     * Write units of one write: per started 1 KB of the larger of the item before and after (also
     * when a condition fails and nothing is written), at least 1.
     */
    public static double writeUnits(int beforeBytes, int afterBytes) {
        int bytes = Math.max(beforeBytes, afterBytes);
        return Math.max(1, (bytes + WRITE_UNIT_BYTES - 1) / WRITE_UNIT_BYTES);
    }

    static int valueSize(AttributeValue v) {
        return switch (v.type()) {
            case S -> utf8(v.s());
            case N -> numberSize(v.n());
            case B -> v.b().asByteArray().length;
            case BOOL, NUL -> 1;
            case SS -> v.ss().stream().mapToInt(ItemSize::utf8).sum();
            case NS -> v.ns().stream().mapToInt(ItemSize::numberSize).sum();
            case BS -> v.bs().stream().mapToInt(b -> b.asByteArray().length).sum();
            case M -> 3 + v.m().size() + of(v.m());
            case L -> 3 + listSize(v.l());
            default -> throw new IllegalArgumentException("unknown attribute type " + v.type());
        };
    }

    private static int listSize(List<AttributeValue> l) {
        int size = 0;
        for (AttributeValue e : l) {
            size += 1 + valueSize(e);
        }
        return size;
    }

    /** A number's size: 1 byte, plus 1 per two significant digits, plus 1 more when both the digit count and the exponent are even. */
    static int numberSize(String n) {
        BigDecimal v = new BigDecimal(n);
        if (v.signum() == 0) {
            return 1;
        }
        BigDecimal stripped = v.stripTrailingZeros();
        int digits = stripped.unscaledValue().abs().toString().length();
        int exponent = digits - 1 - stripped.scale(); // the power of ten of the first significant digit
        int size = 1 + (digits + 1) / 2 + (digits % 2 != 0 || exponent % 2 != 0 ? 0 : 1);
        return size + (v.signum() < 0 ? 1 : 0);
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
