package io.citadel.client.device;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A GET whose whole answer, headers and body, must arrive within a deadline and a size bound: a server that sends
 * its headers and then trickles the body (or sends too much) is cut off, never waited for. The body goes to
 * {@code sink} chunk by chunk as it arrives.
 */
final class BoundedDownload {
    private BoundedDownload() {}

    /**
     * Fetches {@code from}; the HTTP status. An {@link IOException} with our message ({@code what} it is) when it
     * cannot be fetched, takes longer than {@code deadline} or sends more than {@code maxBytes}.
     */
    static int fetch(
            HttpClient http, URI from, String what, long maxBytes, Duration deadline, Consumer<ByteBuffer> sink)
            throws IOException {
        CompletableFuture<HttpResponse<Void>> answer = http.sendAsync(
                HttpRequest.newBuilder(from).timeout(deadline).GET().build(),
                info -> new Bounded(maxBytes, info.statusCode(), sink));
        try {
            return answer.get(deadline.toMillis(), TimeUnit.MILLISECONDS).statusCode();
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new IOException(what + " did not arrive within " + deadline.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof TooLarge) {
                throw new IOException(what + " is over " + maxBytes + " bytes");
            }
            throw new IOException(
                    what + " could not be fetched (" + cause.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + what);
        }
    }

    /** The answer was larger than allowed. */
    private static final class TooLarge extends IOException {
        TooLarge() {
            super("too large", null);
        }
    }

    /** Passes chunks to the sink (only of a 200 answer), cancelling once the bound is passed. */
    private static final class Bounded implements HttpResponse.BodySubscriber<Void> {
        private final long maxBytes;
        private final boolean keep;
        private final Consumer<ByteBuffer> sink;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private Flow.Subscription subscription;
        private long received;

        Bounded(long maxBytes, int status, Consumer<ByteBuffer> sink) {
            this.maxBytes = maxBytes;
            this.keep = status == 200;
            this.sink = sink;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            this.subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> chunks) {
            for (ByteBuffer b : chunks) {
                received += b.remaining();
                if (received > maxBytes) {
                    subscription.cancel();
                    done.completeExceptionally(new TooLarge());
                    return;
                }
                if (keep) {
                    sink.accept(b);
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }

        @Override
        public CompletionStage<Void> getBody() {
            return done;
        }
    }
}
