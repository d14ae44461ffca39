import Foundation
import Testing
@testable import KratixStateStore

/// AWS's published Signature Version 4 vectors: the `aws-sig-v4-test-suite` (service `service`)
/// and the worked S3 examples in the S3 API reference ("Signature Calculations for the
/// Authorization Header").
@Suite("SigV4 against AWS's published vectors")
struct SigV4Tests {
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160) // 2015-08-30T12:36:00Z
    static let suiteSigner = SigV4Signer(
        credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "service")
    static let s3Date = Date(timeIntervalSince1970: 1_369_353_600) // 2013-05-24T00:00:00Z
    static let s3Signer = SigV4Signer(
        credentials: AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "s3")

    func authorization(_ headers: [(String, String)]) -> String {
        headers.first { $0.0 == "Authorization" }?.1 ?? ""
    }

    @Test func getVanilla() {
        let h = Self.suiteSigner.sign(method: "GET", path: "/", query: [], headers: [("Host", "example.amazonaws.com")],
                                      payloadHash: SigV4Signer.emptyPayloadHash, date: Self.suiteDate)
        #expect(authorization(h) == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
        #expect(h.contains { $0 == ("X-Amz-Date", "20150830T123600Z") })
    }

    @Test func getVanillaQueryOrderKeyCase() {
        let h = Self.suiteSigner.sign(method: "GET", path: "/", query: [("Param2", "value2"), ("Param1", "value1")],
                                      headers: [("Host", "example.amazonaws.com")], payloadHash: SigV4Signer.emptyPayloadHash, date: Self.suiteDate)
        #expect(authorization(h).hasSuffix("Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"))
    }

    @Test func postVanilla() {
        let h = Self.suiteSigner.sign(method: "POST", path: "/", query: [], headers: [("Host", "example.amazonaws.com")],
                                      payloadHash: SigV4Signer.emptyPayloadHash, date: Self.suiteDate)
        #expect(authorization(h).hasSuffix("Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"))
    }

    @Test func s3GetObjectWithRange() {
        let h = Self.s3Signer.sign(method: "GET", path: "/test.txt", query: [],
                                   headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"),
                                             ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash)],
                                   payloadHash: SigV4Signer.emptyPayloadHash, date: Self.s3Date)
        #expect(authorization(h) == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func s3PutObject() {
        let payloadHash = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072" // "Welcome to Amazon S3."
        let h = Self.s3Signer.sign(method: "PUT", path: "/test$file.text", query: [],
                                   headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                                             ("x-amz-storage-class", "REDUCED_REDUNDANCY"), ("x-amz-content-sha256", payloadHash)],
                                   payloadHash: payloadHash, date: Self.s3Date)
        #expect(authorization(h).contains("SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"))
        #expect(authorization(h).hasSuffix("Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"))
    }

    @Test func s3GetBucketLifecycle() {
        let h = Self.s3Signer.sign(method: "GET", path: "/", query: [("lifecycle", "")],
                                   headers: [("Host", "examplebucket.s3.amazonaws.com"), ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash)],
                                   payloadHash: SigV4Signer.emptyPayloadHash, date: Self.s3Date)
        #expect(authorization(h).hasSuffix("Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"))
    }

    @Test func s3ListObjects() {
        let h = Self.s3Signer.sign(method: "GET", path: "/", query: [("max-keys", "2"), ("prefix", "J")],
                                   headers: [("Host", "examplebucket.s3.amazonaws.com"), ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash)],
                                   payloadHash: SigV4Signer.emptyPayloadHash, date: Self.s3Date)
        #expect(authorization(h).hasSuffix("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"))
    }

    @Test func sessionTokenIsSentAndSigned() {
        var signer = Self.s3Signer
        signer.credentials.sessionToken = "token/with+chars"
        let h = signer.sign(method: "GET", path: "/k", query: [], headers: [("Host", "h")],
                            payloadHash: SigV4Signer.emptyPayloadHash, date: Self.s3Date)
        #expect(h.contains { $0 == ("X-Amz-Security-Token", "token/with+chars") })
        #expect(authorization(h).contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"))
    }

    @Test func encoding() {
        #expect(SigV4Signer.encode("a b/ü~") == "a%20b%2F%C3%BC~")
        #expect(SigV4Signer.encodePath("/dev/a b/x.yaml") == "/dev/a%20b/x.yaml")
        #expect(S3Client.region(fromEndpoint: "s3.eu-west-2.amazonaws.com") == "eu-west-2")
        #expect(S3Client.region(fromEndpoint: "127.0.0.1:9000") == "us-east-1")
    }
}

@Suite("S3 XML replies")
struct S3XMLTests {
    @Test func listObjectsV2WithContinuation() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Name>kratix</Name><Prefix>dev/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
              <IsTruncated>true</IsTruncated>
              <Contents><Key>dev/a &amp; b.yaml</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified>
                <ETag>&quot;9a0364b9e99bb480dd25e1f0284c8555&quot;</ETag><Size>7</Size><StorageClass>STANDARD</StorageClass></Contents>
              <Contents><Key><![CDATA[dev/<c>.yaml]]></Key><ETag>"abc"</ETag><Size>0</Size></Contents>
              <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
            </ListBucketResult>
            """
        let page = try S3ListPage(xml: Array(xml.utf8))
        #expect(page.objects.map(\.key) == ["dev/a & b.yaml", "dev/<c>.yaml"])
        #expect(page.objects[0].eTag == "9a0364b9e99bb480dd25e1f0284c8555")
        #expect(page.objects[0].size == 7)
        #expect(page.isTruncated)
        #expect(page.nextContinuationToken == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
    }

    @Test func lastPage() throws {
        let xml = "<ListBucketResult><IsTruncated>false</IsTruncated><KeyCount>0</KeyCount></ListBucketResult>"
        let page = try S3ListPage(xml: Array(xml.utf8))
        #expect(page.objects.isEmpty && !page.isTruncated && page.nextContinuationToken == nil)
    }

    @Test func errorDocument() {
        let xml = "<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message><RequestId>1</RequestId></Error>"
        let doc = S3ErrorDocument(xml: Array(xml.utf8))
        #expect(doc?.code == "SignatureDoesNotMatch")
        #expect(S3ErrorDocument(xml: []) == nil)
    }

    @Test func malformed() {
        #expect(throws: StateStoreError.self) { try XMLElement.parse(Array("<a><b></a>".utf8)) }
        #expect(throws: StateStoreError.self) { try S3ListPage(xml: Array("<Error/>".utf8)) }
    }
}
