package dev.circuitlab.local.template;

import java.math.BigDecimal;

/** How template scalars become strings, the way CloudFormation passes them to a resource. */
final class Scalars {

    private Scalars() {
    }

    /** 5 → "5", 1.50 → "1.5", 2.0 → "2", true → "true". */
    static String text(Object value) {
        if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            BigDecimal d = new BigDecimal(String.valueOf(value)).stripTrailingZeros();
            return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
        }
        return String.valueOf(value);
    }
}
