package dev.circuitlab.local.lambda;

/**
 * Which function (and which of its invocations) a thread writes for. One per execution
 * environment; threads the handler starts inherit it, so their output stays the function's.
 */
final class OutputScope {

    final FunctionLog log;
    private volatile String requestId;

    OutputScope(FunctionLog log) {
        this.log = log;
    }

    String requestId() {
        return requestId;
    }

    void requestId(String id) {
        this.requestId = id;
    }
}
