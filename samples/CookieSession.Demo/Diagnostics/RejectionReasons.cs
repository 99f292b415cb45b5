namespace CookieSession.Demo.Diagnostics;

/// <summary>What each reason of the library's <c>cookiesession.reason</c> tag means, in a sentence for the page.</summary>
internal static class RejectionReasons
{
    public static string Explain(string reason) => reason switch
    {
        "unsigned" => "The value carries no signature.",
        "bad_signature" => "The signature does not match the content under any configured secret: the cookie was changed, or signed by another secret.",
        "malformed_encoding" => "Its percent-escapes or base64 do not decode, or its bytes are not UTF-8.",
        "not_json_object" => "It is signed, but what it holds is not a JSON object.",
        "too_large" => "It is larger than any cookie a browser sends.",
        "malformed_chunks" => "Its chunks do not fit together: a count out of range, or a chunk missing or empty.",
        "undecryptable" => "Data Protection could not decrypt it: it was changed, or encrypted under another key, cookie name or application.",
        "revoked_key" => "It was encrypted with a key that has since been revoked.",
        "unknown_version" => "It was written by a version of the format this server does not know.",
        "not_yet_valid" => "It claims to be issued in the future.",
        "expired" => "The iron seal is past its expiration.",
        "unknown_password" => "The iron seal names a password id this server does not have.",
        "idle_expired" => "Longer than the idle timeout passed since it was issued.",
        "absolute_expired" => "Longer than the absolute timeout passed since the session was created.",
        "malformed" => "Reading it failed in a way no other reason names.",
        _ => "The library gave no more detail.",
    };
}
