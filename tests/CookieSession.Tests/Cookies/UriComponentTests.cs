using System.Text;
using CookieSession.Cookies;

namespace CookieSession.Tests.Cookies;

/// <summary>Percent-encoding as <see cref="Uri.EscapeDataString(string)"/> does it, and decoding as decodeURIComponent.</summary>
public sealed class UriComponentTests
{
    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("{")]
    [InlineData("s:j:{\"user\":\"ada\",\"roles\":[\"admin\"],\"n\":1}.Zm9v+/bar")]
    [InlineData("é😀 !*'()~-._")]
    [InlineData("\u0000\u001f\u007f")]
    public void Escape_EqualsEscapeDataString(string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        var destination = new char[3 * utf8.Length];
        var written = UriComponent.Escape(utf8, destination);
        Assert.Equal(Uri.EscapeDataString(value), new string(destination, 0, written));
    }

    [Fact]
    public void Escape_EveryByte_AtEveryLength_IntoAnExactlySizedDestination()
    {
        // Every length from 0 to 64 with the destination no larger than required, so that the last bytes take
        // the careful path; every byte value, each at every position of the run.
        var random = new Random(20261127);
        for (var length = 0; length <= 64; length++)
        {
            for (var round = 0; round < 40; round++)
            {
                var bytes = new byte[length];
                random.NextBytes(bytes);
                var destination = new char[3 * length];
                var written = UriComponent.Escape(bytes, destination);
                Assert.Equal(EscapeReference.Of(bytes), new string(destination, 0, written));
            }
        }

        var all = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        var whole = new char[3 * all.Length];
        Assert.Equal(EscapeReference.Of(all), new string(whole, 0, UriComponent.Escape(all, whole)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(600)]
    public void Escape_AnUnreservedRunOfAnyLength_ThenEscapes(int run)
    {
        // A base64url value (Protected's) is all one run; a JSON starts escaping at once.
        var random = new Random(run);
        const string Unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
        var prefix = new string(Enumerable.Range(0, run).Select(_ => Unreserved[random.Next(Unreserved.Length)]).ToArray());
        foreach (var value in new[] { prefix, prefix + "{\"a\":\"é\"}+/=", prefix + "%" })
        {
            var utf8 = Encoding.UTF8.GetBytes(value);
            var destination = new char[3 * utf8.Length];
            Assert.Equal(Uri.EscapeDataString(value), new string(destination, 0, UriComponent.Escape(utf8, destination)));
        }
    }

    [Fact]
    public void Escape_LeavesNothingBeyondWhatItWrote_WhenTheDestinationIsExact()
    {
        // The spare character written past each byte must never land outside the destination.
        var bytes = Encoding.ASCII.GetBytes("abc");
        var buffer = new char[10];
        buffer.AsSpan().Fill('#');
        var written = UriComponent.Escape(bytes, buffer.AsSpan(0, 9));
        Assert.Equal("abc", new string(buffer, 0, written));
        Assert.Equal('#', buffer[9]);
    }

    [Fact]
    public void Decode_RoundTripsWhatEscapeWrote()
    {
        var random = new Random(7);
        for (var round = 0; round < 500; round++)
        {
            var text = RandomText(random, random.Next(0, 80));
            var utf8 = Encoding.UTF8.GetBytes(text);
            var escaped = new char[3 * utf8.Length];
            var length = UriComponent.Escape(utf8, escaped);
            var decoded = new byte[UriComponent.MaxDecodedLength(length)];
            Assert.True(UriComponent.TryDecode(escaped.AsSpan(0, length), decoded, out var written));
            Assert.Equal(utf8, decoded[..written]);
        }
    }

    [Theory]
    [InlineData("%e2%82%ac", "€")]
    [InlineData("%7B%22a%22%3A1%7D", "{\"a\":1}")]
    [InlineData("plain", "plain")]
    [InlineData("é%20ü", "é ü")]
    [InlineData("😀", "😀")]
    [InlineData("%C3%A9é%20", "éé ")]
    [InlineData("0123456789abcdef%21é", "0123456789abcdef!é")]
    public void Decode_AsDecodeUriComponent(string raw, string expected)
    {
        var buffer = new byte[UriComponent.MaxDecodedLength(raw.Length)];
        Assert.True(UriComponent.TryDecode(raw, buffer, out var written));
        Assert.Equal(expected, Encoding.UTF8.GetString(buffer, 0, written));
    }

    [Theory]
    [InlineData("%80")]
    [InlineData("a%FF")]
    [InlineData("%E2%82")]
    [InlineData("%F0%9F%98")]
    [InlineData("%2")]
    [InlineData("%%41")]
    [InlineData("%4g")]
    [InlineData("%C3é")]
    [InlineData("é%C3")]
    [InlineData("%41é%E2%82")]
    public void Decode_RefusesWhatDecodeUriComponentThrowsOn(string raw)
        => Assert.False(UriComponent.TryDecode(raw, new byte[UriComponent.MaxDecodedLength(raw.Length)], out _));

    [Fact]
    public void Decode_IntoADestinationShorterThanTheValue_WritesExactlyTheDecodedBytes()
    {
        // Escapes make the decoded value shorter than the escaped one: a destination of the decoded length is enough.
        const string Raw = "%7B%22a%22%3A%22%C3%A9%22%7D";
        var expected = Encoding.UTF8.GetBytes("{\"a\":\"é\"}");
        var buffer = new byte[expected.Length];

        Assert.True(UriComponent.TryDecode(Raw, buffer, out var written));
        Assert.Equal(expected, buffer[..written]);
    }

    [Theory]
    [InlineData("abcdefghijklmnopqrstuvwxyz")]
    [InlineData("%41%42%43")]
    [InlineData("a%41b%C3%A9c")]
    [InlineData("abcdefghijé")]
    [InlineData("é😀abcdefghijklmnop%21")]
    [InlineData("%")]
    [InlineData("abc%")]
    public void Decode_IntoEveryDestinationTooShort_RefusesWithoutWritingOutside(string raw)
    {
        // Every length below the decoded one, at an offset inside a larger array whose other bytes must stay as they were:
        // a Try method refuses (it does not throw), and the writes without bounds checks stay inside the destination.
        var full = new byte[UriComponent.MaxDecodedLength(raw.Length)];
        var decodes = UriComponent.TryDecode(raw, full, out var decodedLength);
        for (var length = 0; length < (decodes ? decodedLength : full.Length); length++)
        {
            var buffer = new byte[length + 8];
            buffer.AsSpan().Fill(0xAA);

            Assert.False(UriComponent.TryDecode(raw, buffer.AsSpan(4, length), out _), $"{length}");
            Assert.All(buffer[..4], b => Assert.Equal(0xAA, b));
            Assert.All(buffer[(4 + length)..], b => Assert.Equal(0xAA, b));
        }
    }

    [Fact]
    public void Decode_RefusesALoneSurrogate_WhichNoUtf8CanCarry()
    {
        // Built at run time: an attribute's string cannot hold a lone surrogate.
        foreach (var raw in new[] { new string('\ud83d', 1), "x" + new string('\udc00', 1) + "y", "%41" + new string('\ud800', 1) })
        {
            Assert.False(UriComponent.TryDecode(raw, new byte[UriComponent.MaxDecodedLength(raw.Length)], out _));
        }
    }

    private static string RandomText(Random random, int length)
    {
        const string Alphabet = "abcXYZ019-._~ {}\":,[]+/=%;\\é€😀\u0001\u007f";
        var text = new StringBuilder();
        var elements = System.Globalization.StringInfo.GetTextElementEnumerator(Alphabet);
        var pieces = new List<string>();
        while (elements.MoveNext())
        {
            pieces.Add(elements.GetTextElement());
        }

        for (var i = 0; i < length; i++)
        {
            text.Append(pieces[random.Next(pieces.Count)]);
        }

        return text.ToString();
    }
}
