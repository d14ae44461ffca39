import Foundation

/// The encoding of `Workload.content` (spec §2.4): standard Base64 of a gzip stream of the file's
/// bytes. Every consumer decompresses, so content that is not Base64+gzip fails the write rather
/// than reaching a state store garbled.
///
/// Gzip is implemented here because no zlib binding is a declared dependency of this module. The
/// encoder emits one fixed-Huffman DEFLATE block with greedy LZ77 matching: any gzip reader (Go's
/// included) accepts it, and the spec does not require Go's exact compressed bytes.
public enum WorkloadContent {
    /// Decoded files larger than this are refused, so a crafted Work cannot exhaust memory.
    public static let defaultMaximumDecodedSize = 64 << 20

    /// Base64(gzip(bytes)).
    public static func encode(_ bytes: [UInt8]) -> String {
        Data(Gzip.compress(bytes)).base64EncodedString()
    }

    public static func encode(_ text: String) -> String {
        encode(Array(text.utf8))
    }

    /// The file bytes a Workload's `content` carries.
    public static func decode(_ content: String, maximumSize: Int = defaultMaximumDecodedSize) throws(WorkloadContentError) -> [UInt8] {
        guard let data = Data(base64Encoded: content) else {
            throw WorkloadContentError(.notBase64)
        }
        return try Gzip.decompress([UInt8](data), maximumSize: maximumSize)
    }
}

/// Why a Workload's content could not be decoded.
public struct WorkloadContentError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case notBase64
        case notGzip
        case corrupt(String)
        case checksumMismatch
        case tooLarge(limit: Int)
    }

    public var reason: Reason

    public init(_ reason: Reason) { self.reason = reason }

    public var description: String {
        switch reason {
        case .notBase64: return "unable to decompress file content: content is not valid base64"
        case .notGzip: return "unable to decompress file content: gzip: invalid header"
        case .corrupt(let detail): return "unable to decompress file content: flate: corrupt input (\(detail))"
        case .checksumMismatch: return "unable to decompress file content: gzip: invalid checksum"
        case .tooLarge(let limit): return "unable to decompress file content: larger than \(limit) bytes"
        }
    }
}

/// Gzip (RFC 1952) around DEFLATE (RFC 1951).
private enum Gzip {
    static func compress(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]
        out += Deflate.compress(input)
        let crc = CRC32.checksum(input)
        let size = UInt32(truncatingIfNeeded: input.count)
        for v in [crc, size] {
            out += [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)]
        }
        return out
    }

    /// Decodes every member of the stream (Go's reader reads concatenated members as one file).
    static func decompress(_ input: [UInt8], maximumSize: Int) throws(WorkloadContentError) -> [UInt8] {
        var output: [UInt8] = []
        var position = 0
        repeat {
            position = try member(input, from: position, into: &output, maximumSize: maximumSize)
        } while position < input.count
        return output
    }

    private static func member(_ input: [UInt8], from start: Int, into output: inout [UInt8], maximumSize: Int) throws(WorkloadContentError) -> Int {
        guard input.count - start >= 18, input[start] == 0x1f, input[start + 1] == 0x8b, input[start + 2] == 8 else {
            throw WorkloadContentError(.notGzip)
        }
        let flags = input[start + 3]
        var p = start + 10
        func need(_ n: Int) throws(WorkloadContentError) {
            if p + n > input.count { throw WorkloadContentError(.corrupt("truncated header")) }
        }
        if flags & 0x04 != 0 { // FEXTRA
            try need(2)
            let length = Int(input[p]) | Int(input[p + 1]) << 8
            p += 2
            try need(length)
            p += length
        }
        for flag in [UInt8(0x08), 0x10] where flags & flag != 0 { // FNAME, FCOMMENT
            while true {
                try need(1)
                p += 1
                if input[p - 1] == 0 { break }
            }
        }
        if flags & 0x02 != 0 { // FHCRC
            try need(2)
            p += 2
        }
        let memberStart = output.count
        var inflater = Inflater(input: input, position: p, maximumSize: maximumSize)
        try inflater.run(into: &output)
        p = inflater.bytePosition
        guard p + 8 <= input.count else { throw WorkloadContentError(.corrupt("truncated trailer")) }
        func le32(_ at: Int) -> UInt32 {
            UInt32(input[at]) | UInt32(input[at + 1]) << 8 | UInt32(input[at + 2]) << 16 | UInt32(input[at + 3]) << 24
        }
        let produced = output[memberStart...]
        guard le32(p) == CRC32.checksum(produced), le32(p + 4) == UInt32(truncatingIfNeeded: produced.count) else {
            throw WorkloadContentError(.checksumMismatch)
        }
        return p + 8
    }
}

/// CRC-32 (IEEE 802.3), as gzip's trailer uses.
private enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xff)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}

/// The length and distance alphabets shared by the encoder and the decoder.
private enum DeflateTables {
    static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                                      4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    static var fixedLiteralLengths: [Int] {
        (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 }
    }
}

/// A DEFLATE decoder in the manner of zlib's `puff`: canonical Huffman decoding bit by bit. Plenty
/// fast for pipeline output, and small enough to audit.
private struct Inflater {
    struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int]

        init(lengths: [Int]) throws(WorkloadContentError) {
            symbols = [Int](repeating: 0, count: lengths.count)
            for l in lengths { counts[l] += 1 }
            var left = 1
            for len in 1..<16 {
                left <<= 1
                left -= counts[len]
                if left < 0 { throw WorkloadContentError(.corrupt("over-subscribed code")) }
            }
            var offsets = [Int](repeating: 0, count: 16)
            for len in 1..<15 { offsets[len + 1] = offsets[len] + counts[len] }
            for (symbol, l) in lengths.enumerated() where l != 0 {
                symbols[offsets[l]] = symbol
                offsets[l] += 1
            }
        }
    }

    let input: [UInt8]
    var position: Int
    let maximumSize: Int
    var bitBuffer: UInt32 = 0
    var bitCount = 0

    init(input: [UInt8], position: Int, maximumSize: Int) {
        self.input = input
        self.position = position
        self.maximumSize = maximumSize
    }

    /// The first byte after the DEFLATE stream (partial bits are discarded).
    var bytePosition: Int { position }

    mutating func bits(_ n: Int) throws(WorkloadContentError) -> Int {
        while bitCount < n {
            guard position < input.count else { throw WorkloadContentError(.corrupt("unexpected end of data")) }
            bitBuffer |= UInt32(input[position]) << UInt32(bitCount)
            position += 1
            bitCount += 8
        }
        let value = Int(bitBuffer & ((1 << UInt32(n)) - 1))
        bitBuffer >>= UInt32(n)
        bitCount -= n
        return value
    }

    mutating func decode(_ h: Huffman) throws(WorkloadContentError) -> Int {
        var code = 0, first = 0, index = 0
        for len in 1..<16 {
            code |= try bits(1)
            let count = h.counts[len]
            if code - count < first { return h.symbols[index + (code - first)] }
            index += count
            first += count
            first <<= 1
            code <<= 1
        }
        throw WorkloadContentError(.corrupt("invalid code"))
    }

    mutating func run(into out: inout [UInt8]) throws(WorkloadContentError) {
        let memberStart = out.count
        var last = false
        repeat {
            last = try bits(1) == 1
            switch try bits(2) {
            case 0: try stored(into: &out)
            case 1:
                let lit = try Huffman(lengths: DeflateTables.fixedLiteralLengths)
                let dist = try Huffman(lengths: [Int](repeating: 5, count: 30))
                try codes(lit, dist, into: &out, memberStart: memberStart)
            case 2:
                let (lit, dist) = try dynamicTables()
                try codes(lit, dist, into: &out, memberStart: memberStart)
            default:
                throw WorkloadContentError(.corrupt("invalid block type"))
            }
        } while !last
        bitBuffer = 0
        bitCount = 0
    }

    mutating func stored(into out: inout [UInt8]) throws(WorkloadContentError) {
        bitBuffer = 0
        bitCount = 0
        guard position + 4 <= input.count else { throw WorkloadContentError(.corrupt("unexpected end of data")) }
        let len = Int(input[position]) | Int(input[position + 1]) << 8
        let nlen = Int(input[position + 2]) | Int(input[position + 3]) << 8
        guard len == (~nlen & 0xffff) else { throw WorkloadContentError(.corrupt("stored block length mismatch")) }
        position += 4
        guard position + len <= input.count else { throw WorkloadContentError(.corrupt("unexpected end of data")) }
        guard out.count + len <= maximumSize else { throw WorkloadContentError(.tooLarge(limit: maximumSize)) }
        out += input[position..<position + len]
        position += len
    }

    mutating func dynamicTables() throws(WorkloadContentError) -> (Huffman, Huffman) {
        let nlen = try bits(5) + 257
        let ndist = try bits(5) + 1
        let ncode = try bits(4) + 4
        guard nlen <= 286, ndist <= 30 else { throw WorkloadContentError(.corrupt("bad counts")) }
        var lengths = [Int](repeating: 0, count: 19)
        for i in 0..<ncode { lengths[DeflateTables.codeLengthOrder[i]] = try bits(3) }
        let lencode = try Huffman(lengths: lengths)
        var all = [Int]()
        all.reserveCapacity(nlen + ndist)
        while all.count < nlen + ndist {
            let symbol = try decode(lencode)
            switch symbol {
            case 0..<16:
                all.append(symbol)
            case 16:
                guard let previous = all.last else { throw WorkloadContentError(.corrupt("repeat with no first length")) }
                all += [Int](repeating: previous, count: 3 + (try bits(2)))
            case 17:
                all += [Int](repeating: 0, count: 3 + (try bits(3)))
            default:
                all += [Int](repeating: 0, count: 11 + (try bits(7)))
            }
        }
        guard all.count == nlen + ndist else { throw WorkloadContentError(.corrupt("too many lengths")) }
        guard all[256] != 0 else { throw WorkloadContentError(.corrupt("no end-of-block code")) }
        return (try Huffman(lengths: Array(all[0..<nlen])), try Huffman(lengths: Array(all[nlen...])))
    }

    mutating func codes(_ lit: Huffman, _ dist: Huffman, into out: inout [UInt8], memberStart: Int) throws(WorkloadContentError) {
        while true {
            let symbol = try decode(lit)
            if symbol < 256 {
                guard out.count < maximumSize else { throw WorkloadContentError(.tooLarge(limit: maximumSize)) }
                out.append(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            let li = symbol - 257
            guard li < 29 else { throw WorkloadContentError(.corrupt("invalid length symbol")) }
            let length = DeflateTables.lengthBase[li] + (try bits(DeflateTables.lengthExtra[li]))
            let di = try decode(dist)
            guard di < 30 else { throw WorkloadContentError(.corrupt("invalid distance symbol")) }
            let distance = DeflateTables.distanceBase[di] + (try bits(DeflateTables.distanceExtra[di]))
            guard distance <= out.count - memberStart else { throw WorkloadContentError(.corrupt("distance too far back")) }
            guard out.count + length <= maximumSize else { throw WorkloadContentError(.tooLarge(limit: maximumSize)) }
            var from = out.count - distance
            for _ in 0..<length {
                out.append(out[from])
                from += 1
            }
        }
    }
}

/// One fixed-Huffman DEFLATE block with greedy LZ77 over a 32 KiB window.
private enum Deflate {
    private struct BitWriter {
        var bytes: [UInt8] = []
        var buffer: UInt64 = 0
        var count = 0

        mutating func write(_ value: Int, _ n: Int) {
            buffer |= UInt64(value) << UInt64(count)
            count += n
            while count >= 8 {
                bytes.append(UInt8(buffer & 0xff))
                buffer >>= 8
                count -= 8
            }
        }

        /// Huffman codes go most-significant bit first.
        mutating func writeCode(_ code: Int, _ n: Int) {
            var reversed = 0
            for i in 0..<n where code & (1 << i) != 0 { reversed |= 1 << (n - 1 - i) }
            write(reversed, n)
        }

        mutating func finish() -> [UInt8] {
            if count > 0 { bytes.append(UInt8(buffer & 0xff)) }
            return bytes
        }
    }

    private static func literal(_ symbol: Int, _ w: inout BitWriter) {
        switch symbol {
        case 0..<144: w.writeCode(0x30 + symbol, 8)
        case 144..<256: w.writeCode(0x190 + symbol - 144, 9)
        case 256..<280: w.writeCode(symbol - 256, 7)
        default: w.writeCode(0xC0 + symbol - 280, 8)
        }
    }

    private static func match(length: Int, distance: Int, _ w: inout BitWriter) {
        var li = DeflateTables.lengthBase.count - 1
        while DeflateTables.lengthBase[li] > length { li -= 1 }
        literal(257 + li, &w)
        w.write(length - DeflateTables.lengthBase[li], DeflateTables.lengthExtra[li])
        var di = DeflateTables.distanceBase.count - 1
        while DeflateTables.distanceBase[di] > distance { di -= 1 }
        w.writeCode(di, 5)
        w.write(distance - DeflateTables.distanceBase[di], DeflateTables.distanceExtra[di])
    }

    static func compress(_ input: [UInt8]) -> [UInt8] {
        var w = BitWriter()
        w.write(1, 1) // BFINAL
        w.write(1, 2) // BTYPE = fixed Huffman
        let hashBits = 15
        var head = [Int](repeating: -1, count: 1 << hashBits)
        func hash(_ i: Int) -> Int {
            let v = Int(input[i]) << 16 | Int(input[i + 1]) << 8 | Int(input[i + 2])
            return (v &* 2_654_435_761) >> 7 & ((1 << hashBits) - 1)
        }
        var i = 0
        while i < input.count {
            var bestLength = 0
            var bestDistance = 0
            if i + 2 < input.count {
                let h = hash(i)
                let candidate = head[h]
                head[h] = i
                if candidate >= 0, i - candidate <= 32768 {
                    var length = 0
                    let limit = min(258, input.count - i)
                    while length < limit, input[candidate + length] == input[i + length] { length += 1 }
                    if length >= 3 {
                        bestLength = length
                        bestDistance = i - candidate
                    }
                }
            }
            if bestLength >= 3 {
                match(length: bestLength, distance: bestDistance, &w)
                // Index the skipped positions so later matches can find them.
                var j = i + 1
                while j < i + bestLength, j + 2 < input.count {
                    head[hash(j)] = j
                    j += 1
                }
                i += bestLength
            } else {
                literal(Int(input[i]), &w)
                i += 1
            }
        }
        literal(256, &w)
        return w.finish()
    }
}
