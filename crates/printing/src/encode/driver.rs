//! An `escpos` driver that collects the bytes in memory instead of talking to a device.

use escpos::driver::Driver;
use escpos::errors::Result as EscPosResult;
use std::cell::RefCell;

/// Collects everything the printer writes.
#[derive(Debug, Default)]
pub(super) struct MemoryDriver {
    bytes: RefCell<Vec<u8>>,
}

impl MemoryDriver {
    /// The collected bytes.
    pub(super) fn into_bytes(self) -> Vec<u8> {
        self.bytes.into_inner()
    }
}

impl Driver for MemoryDriver {
    fn name(&self) -> String {
        "memory".to_string()
    }

    fn write(&self, data: &[u8]) -> EscPosResult<()> {
        self.bytes.try_borrow_mut()?.extend_from_slice(data);
        Ok(())
    }

    fn read(&self, _buf: &mut [u8]) -> EscPosResult<usize> {
        Ok(0)
    }

    fn flush(&self) -> EscPosResult<()> {
        Ok(())
    }
}
