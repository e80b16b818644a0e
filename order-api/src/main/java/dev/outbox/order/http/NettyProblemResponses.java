package dev.outbox.order.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

import java.util.Map;

/**
 * Gives the answers Reactor Netty sends by itself, before a request reaches Spring, a problem+json body like every
 * other error of the API: 400 (a request line or header that cannot be parsed), 414 (request line longer than
 * {@code server.netty.max-initial-line-length}) and 431 (headers larger than
 * {@code server.max-http-request-header-size}). Reactor Netty has no setting for the body of these answers (it
 * writes them empty and closes the connection), so a handler next to its HTTP codec fills in the body of exactly
 * those: a complete response with one of these statuses, no content type and no content. Everything else passes
 * untouched.
 */
@Component
class NettyProblemResponses implements NettyServerCustomizer {

    private static final Map<Integer, String[]> PROBLEMS = Map.of(
            400, new String[]{"Bad Request", "The request could not be parsed."},
            414, new String[]{"URI Too Long", "The request line is longer than the server accepts."},
            431, new String[]{"Request Header Fields Too Large", "The request headers are larger than the server accepts."});

    @Override
    public HttpServer apply(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remoteAddress) -> {
            ChannelPipeline pipeline = channel.pipeline();
            if (pipeline.get(NettyPipeline.HttpCodec) != null && pipeline.get(ProblemBodies.NAME) == null) {
                pipeline.addAfter(NettyPipeline.HttpCodec, ProblemBodies.NAME, ProblemBodies.INSTANCE);
            }
        });
    }

    @ChannelHandler.Sharable
    static final class ProblemBodies extends ChannelOutboundHandlerAdapter {

        static final String NAME = "outbox.problemBodies";
        static final ProblemBodies INSTANCE = new ProblemBodies();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof FullHttpResponse response && response.content().readableBytes() == 0
                    && !response.headers().contains(HttpHeaderNames.CONTENT_TYPE)
                    && PROBLEMS.containsKey(response.status().code())) {
                int status = response.status().code();
                String[] problem = PROBLEMS.get(status);
                byte[] body = ProblemJson.of(status, problem[0], problem[1]);
                FullHttpResponse withBody = response.replace(Unpooled.wrappedBuffer(body));
                response.release();
                withBody.headers().set(HttpHeaderNames.CONTENT_TYPE, ProblemJson.CONTENT_TYPE)
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                ctx.write(withBody, promise);
                return;
            }
            ctx.write(msg, promise);
        }
    }
}
