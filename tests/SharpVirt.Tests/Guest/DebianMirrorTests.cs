using SharpVirt.Machine.Guest;

namespace SharpVirt.Tests.Guest;

public class DebianMirrorTests
{
    private const string HostLike = """
        Types: deb
        # a snapshot comment
        URIs: http://security.mirror.test/debian-security
        Suites: bookworm-security
        Components: main
        Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

        Types: deb
        URIs: http://main.mirror.test/debian/
        Suites: bookworm bookworm-updates
        Components: main
        Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
        """;

    [Fact]
    public void PicksTheMainArchiveNotSecurity() =>
        Assert.Equal("http://main.mirror.test/debian", DebianMirror.ParseMainUri(HostLike));

    [Fact]
    public void SkipsDisabledAndSourceOnlyStanzas()
    {
        const string text = """
            Types: deb
            URIs: http://disabled.mirror.test/debian
            Suites: trixie
            Components: main
            Enabled: no

            Types: deb-src
            URIs: http://src.mirror.test/debian
            Suites: trixie
            Components: main

            types: deb deb-src
            uris: http://first.mirror.test/debian
              http://second.mirror.test/debian
            suites: trixie
            components: main
            """;
        Assert.Equal("http://first.mirror.test/debian", DebianMirror.ParseMainUri(text));
    }

    [Fact]
    public void HandlesCrLfAndContinuationLines()
    {
        string text = "Types: deb\r\nURIs:\r\n  file:///srv/mirror/debian\r\nSuites:\r\n  sid\r\n";
        Assert.Equal("file:///srv/mirror/debian", DebianMirror.ParseMainUri(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("Types: deb\nURIs: http://u.mirror.test/debian\nSuites: trixie-updates trixie-security\n")]
    [InlineData("Types: deb\nSuites: trixie\n")]
    public void ReturnsNullWithoutAMainStanza(string text) => Assert.Null(DebianMirror.ParseMainUri(text));
}
