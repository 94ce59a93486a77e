#if canImport(Glibc)
import Glibc
#endif

/// Writes all of `bytes` to `descriptor`, going on after short writes; gives up on an error
/// (a closed pipe or socket), returning false.
@discardableResult
func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written <= 0 { return false }
        offset += written
    }
    return true
}
