using CookieSession.Signing;

namespace CookieSession.Tests.Signing;

public sealed class ConstantTimeTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(27)]
    [InlineData(43)]
    [InlineData(64)]
    public void Equals_AgreesWithSequenceEqual_ForADifferenceAtEveryPosition(int length)
    {
        var left = Enumerable.Range(0, length).Select(i => (byte)(i * 37)).ToArray();
        Assert.True(ConstantTime.Equals(left, left.ToArray()));
        for (var position = 0; position < length; position++)
        {
            foreach (var bit in new byte[] { 1, 0x80 })
            {
                var right = left.ToArray();
                right[position] ^= bit;
                Assert.False(ConstantTime.Equals(left, right), $"difference at {position} not seen");
            }
        }
    }

    [Fact]
    public void Equals_DifferentLengths_IsFalse()
    {
        Assert.False(ConstantTime.Equals(new byte[4], new byte[5]));
        Assert.False(ConstantTime.Equals([], new byte[1]));
    }
}
