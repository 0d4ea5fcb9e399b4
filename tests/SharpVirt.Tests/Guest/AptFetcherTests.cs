using SharpVirt.Machine.Guest;

namespace SharpVirt.Tests.Guest;

public class AptFetcherTests
{
    private const string Stanza = """
        Package: linux-image-riscv64
        Source: linux-signed-riscv64 (6.12.117+1)
        Version: 6.12.117-1
        Depends: linux-image-6.12.117+deb13-riscv64 (= 6.12.117-1), foo:any | bar
        Filename: pool/main/l/linux/linux-image-riscv64_6.12.117-1_riscv64.deb
        Size: 1234
        SHA256: F5D9424B6F6A4518197202EFFC7E8EEAA90F8D73466C2DBA2470F6EA7FB4F55C
        Description: Linux for 64-bit RISC-V
         continuation line

        Package: second-stanza-ignored
        """;

    [Fact]
    public void ParsesAnAptCacheShowStanza()
    {
        var p = AptPackage.Parse(Stanza);
        Assert.Equal("linux-image-riscv64", p.Name);
        Assert.Equal("6.12.117-1", p.Version);
        Assert.Equal(1234, p.Size);
        Assert.Equal("f5d9424b6f6a4518197202effc7e8eeaa90f8d73466c2dba2470f6ea7fb4f55c", p.Sha256);
        Assert.Equal(["linux-image-6.12.117+deb13-riscv64", "foo"], p.Depends);
    }

    [Fact]
    public void RejectsAStanzaWithoutHash()
    {
        var e = Assert.Throws<GuestImageException>(() => AptPackage.Parse("Package: x\nVersion: 1\nSize: 1\nFilename: f\n"));
        Assert.Contains("SHA256", e.Message);
    }

    [Fact]
    public void UsesAPrivateRiscvConfiguration()
    {
        var apt = new AptFetcher("http://main.mirror.test/debian/", "/tmp/sv-apt");
        Assert.Equal(
            "deb [arch=riscv64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg target=Packages] http://main.mirror.test/debian trixie main",
            apt.SourcesLine);
        var options = apt.Options();
        Assert.Contains("Dir::Etc::SourceList=/tmp/sv-apt/sources.list", options);
        Assert.Contains("Dir::Etc::SourceParts=/dev/null", options);
        Assert.Contains("Dir::State::Lists=/tmp/sv-apt/lists", options);
        Assert.Contains("Dir::Cache::Archives=/tmp/sv-apt/archives", options);
        Assert.Contains("Dir::State::Status=/dev/null", options);
        Assert.Contains("APT::Architectures::=riscv64", options);
        Assert.Contains("APT::Architecture=riscv64", options);
    }

    [Fact]
    public async Task Sha256MismatchIsAGuestImageException()
    {
        string path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "abc");
            // SHA256("abc")
            await AptFetcher.VerifySha256Async(path, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", default);
            await Assert.ThrowsAsync<GuestImageException>(() => AptFetcher.VerifySha256Async(path, new string('0', 64), default));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
