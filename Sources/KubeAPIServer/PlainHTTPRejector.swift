import NIOCore

/// The first handler of a TLS connection: a client that speaks plain HTTP to the TLS port gets
/// the answer Go's server (and so the real API server) gives, instead of a connection closed
/// without a word. A TLS handshake starts with a record of type 22; anything else is plain text.
final class PlainHTTPRejector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let response = "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n"
    private static let handshakeRecord: UInt8 = 0x16

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else {
            context.fireChannelRead(data)
            return
        }
        guard first != Self.handshakeRecord else {
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        let answer = context.channel.allocator.buffer(string: Self.response)
        context.writeAndFlush(wrapOutboundOut(answer)).whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
