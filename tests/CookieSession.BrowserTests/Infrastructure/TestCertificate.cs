using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CookieSession.BrowserTests.Infrastructure;

/// <summary>
/// The self-signed certificate of the tests' HTTPS endpoints, made in this process (nothing is installed or
/// trusted anywhere): ECDSA P-256, valid for the <see cref="Sites"/> names, <c>localhost</c> and 127.0.0.1, for a day.
/// Browser contexts ignore certificate errors (<see cref="ChromiumBrowser.NewContextAsync"/>).
/// </summary>
public static class TestCertificate
{
    private static readonly Lazy<X509Certificate2> s_instance = new(Create);

    /// <summary>The certificate, with its private key.</summary>
    public static X509Certificate2 Instance => s_instance.Value;

    private static X509Certificate2 Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + Sites.A, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(Sites.A);
        names.AddDnsName(Sites.B);
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));

        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        // Through PKCS#12 and back, so that the private key is one TLS can use on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }
}
