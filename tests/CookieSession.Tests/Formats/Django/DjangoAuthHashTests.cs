namespace CookieSession.Tests.Formats.Django;

/// <summary>The docs' check of Django's <c>_auth_user_hash</c> (docs/snippets/Django.cs) against the hash Django computed.</summary>
public sealed class DjangoAuthHashTests
{
    [Fact]
    public void SessionAuthHash_PasswordFieldAndSecretKey_TheHashDjangoStoresAtLogin()
    {
        var vector = DjangoVectors.AuthHash;

        var hash = CookieSession.Snippets.Django.SessionAuthHash(vector.GetProperty("secret").GetString()!, vector.GetProperty("password").GetString()!);

        Assert.Equal(vector.GetProperty("hash").GetString(), hash);
    }
}
