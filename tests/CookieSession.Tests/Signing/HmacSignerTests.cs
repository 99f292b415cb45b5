using System.Text;
using CookieSession.Signing;

namespace CookieSession.Tests.Signing;

/// <summary>The signer's secrets replaced while it runs, as a configuration reload replaces them.</summary>
public sealed class HmacSignerTests
{
    private const string Old = "the old secret";
    private const string New = "the new secret";

    private static readonly byte[] s_data = "j:{\"a\":1}"u8.ToArray();

    private static byte[] SignatureOf(HmacSigner signer)
    {
        var signature = new byte[signer.SignatureLength];
        signer.Sign(s_data, signature);
        return signature;
    }

    [Fact]
    public void Replace_NewFirstSecret_SignsWithIt_AndTheOldStillVerifies()
    {
        var signer = HmacSigner.ForCookieSignature([Old]);
        var old = SignatureOf(signer);

        signer.Replace([New, Old]);

        var fresh = SignatureOf(signer);
        Assert.Equal(TestSigningOf(New), Encoding.ASCII.GetString(fresh));
        Assert.Equal(0, signer.Verify(s_data, fresh));
        Assert.Equal(1, signer.Verify(s_data, old));
    }

    [Fact]
    public void Replace_SecretRemoved_VerifiesNothingSignedWithIt()
    {
        var signer = HmacSigner.ForCookieSignature([Old]);
        var old = SignatureOf(signer);

        signer.Replace([New]);

        Assert.Equal(-1, signer.Verify(s_data, old));
    }

    [Fact]
    public void Generation_ChangesWithEachReplace_AndOnlyThen()
    {
        var signer = HmacSigner.ForKeygrip([Old], System.Security.Cryptography.HashAlgorithmName.SHA1);
        var first = signer.Generation;
        Assert.Same(first, signer.Generation);

        signer.Replace([Old]);

        Assert.NotSame(first, signer.Generation);
    }

    [Fact]
    public void Replace_NoSecret_Throws_AndKeepsTheSecretsInForce()
    {
        var signer = HmacSigner.ForCookieSignature([Old]);
        var old = SignatureOf(signer);

        Assert.Throws<ArgumentException>(() => signer.Replace([]));

        Assert.Equal(0, signer.Verify(s_data, old));
    }

    [Fact]
    public async Task Replace_WhileThreadsSign_EverySignatureVerifiesUnderOneOfTheSecrets()
    {
        var signer = HmacSigner.ForCookieSignature([Old]);
        var secrets = new[] { Old, New };
        using var stop = new CancellationTokenSource();
        var signing = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            var bad = 0;
            while (!stop.IsCancellationRequested)
            {
                var signature = Encoding.ASCII.GetString(SignatureOf(signer));
                bad += signature == TestSigningOf(Old) || signature == TestSigningOf(New) ? 0 : 1;
            }

            return bad;
        })).ToArray();

        for (var i = 0; i < 2000; i++)
        {
            signer.Replace([secrets[i % 2], secrets[(i + 1) % 2]]);
        }

        await stop.CancelAsync();
        Assert.All(await Task.WhenAll(signing), bad => Assert.Equal(0, bad));
    }

    private static string TestSigningOf(string secret) => Infrastructure.TestSigning.Mac(Encoding.UTF8.GetString(s_data), secret);
}
