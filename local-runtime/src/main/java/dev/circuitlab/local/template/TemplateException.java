package dev.circuitlab.local.template;

import dev.circuitlab.local.LabException;

/** The template cannot be read, or uses something the local runtime cannot resolve. */
public final class TemplateException extends LabException {

    public TemplateException(String message) {
        super(message);
    }

    public TemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
