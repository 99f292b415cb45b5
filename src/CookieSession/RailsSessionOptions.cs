using System.Security.Cryptography;

namespace CookieSession;

/// <summary>
/// Options of <see cref="CookieSessionFormat.Rails"/>, Rails' encrypted <c>CookieStore</c>, as
/// <see cref="CookieSessionOptions.Rails"/>. The secret is Rails' <c>secret_key_base</c>:
/// <see cref="CookieSessionOptions.Secret"/>, or <see cref="CookieSessionOptions.Secrets"/> newest first (the first
/// encrypts; the others are read, as Rails' cookie rotations read them, and their cookies written again under the
/// first). Rails' <c>expire_after</c> is <see cref="Microsoft.AspNetCore.Http.CookieBuilder.MaxAge"/>: it dates both
/// the cookie and the <c>exp</c> sealed inside it, which is enforced on read.
/// </summary>
public sealed class RailsSessionOptions
{
    /// <summary>
    /// The digest of the PBKDF2 that derives the encryption key from <c>secret_key_base</c> (Rails'
    /// <c>key_generator_hash_digest_class</c>). Default: <see cref="HashAlgorithmName.SHA256"/>, as Rails 7.0 and later
    /// derive it; <see cref="HashAlgorithmName.SHA1"/> for Rails 5.2 to 6.1, and for Rails 7 apps that kept
    /// <c>load_defaults</c> below 7.0. SHA384 and SHA512 are also accepted.
    /// </summary>
    public HashAlgorithmName KeyDerivationDigest { get; set; } = HashAlgorithmName.SHA256;

    /// <summary>
    /// Digests whose cookies are still read during an upgrade, as Rails 7's upgrade guide rotates SHA-1 cookies with
    /// <c>cookies.rotate :encrypted</c>: a cookie read under one of them is written again under
    /// <see cref="KeyDerivationDigest"/>. Default: empty.
    /// </summary>
    public IList<HashAlgorithmName> ReadableKeyDerivationDigests { get; set; } = new List<HashAlgorithmName>();

    /// <summary>
    /// Write the envelope a Rails 7.1 <c>MessageEncryptor</c> writes when its serializer carries the metadata
    /// (<c>{"_rails":{"data":...}}</c>, Rails' <c>use_message_serializer_for_metadata</c>) instead of the one Rails'
    /// cookie jars write in every version (<c>{"_rails":{"message":"&lt;base64&gt;",...}}</c>). Both are always read.
    /// Default: <see langword="false"/>: Rails' <c>CookieStore</c> reads only the cookie jars' envelope, up to Rails 8.
    /// </summary>
    public bool UseMessageSerializerForMetadata { get; set; }
}
