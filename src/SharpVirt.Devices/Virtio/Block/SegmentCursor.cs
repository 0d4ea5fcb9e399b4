namespace SharpVirt.Devices.Virtio.Block;

/// <summary>
/// Walks a byte range of a chain's readable or writable part as guest-physical pieces, so request data can be
/// moved between the disk and guest RAM without copying through a buffer (virtio 1.2, 2.7.4: the device must
/// not assume any particular framing of header, data and status).
/// </summary>
internal ref struct SegmentCursor
{
    private readonly ReadOnlySpan<BufferSegment> _segments;
    private int _index;
    private ulong _inSegment;
    private ulong _remaining;

    /// <summary>The range [<paramref name="skip"/>, <paramref name="skip"/> + <paramref name="length"/>) of <paramref name="segments"/>.</summary>
    public SegmentCursor(ReadOnlySpan<BufferSegment> segments, ulong skip, ulong length)
    {
        _segments = segments;
        _index = 0;
        _inSegment = skip;
        _remaining = length;
        while (_index < _segments.Length && _inSegment >= _segments[_index].Length)
        {
            _inSegment -= _segments[_index].Length;
            _index++;
        }
    }

    /// <summary>The next piece of at most <paramref name="maxLength"/> bytes, or false at the end of the range.</summary>
    public bool Next(int maxLength, out ulong address, out int length)
    {
        address = 0;
        length = 0;
        if (_remaining == 0 || _index >= _segments.Length)
        {
            return false;
        }
        BufferSegment s = _segments[_index];
        ulong n = Math.Min(Math.Min(s.Length - _inSegment, _remaining), (ulong)maxLength);
        address = s.Address + _inSegment;
        length = (int)n;
        _remaining -= n;
        _inSegment += n;
        if (_inSegment == s.Length)
        {
            _inSegment = 0;
            _index++;
        }
        return true;
    }
}
