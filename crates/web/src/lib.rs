//! whatif's engine as the browser page calls it. The page sends one JSON request (see
//! [`api::Request`]) and reads one JSON answer; [`api::handle`] does the work with the
//! same core as the CLI, so a file, a seed and a run count give the same counts, exact
//! figures and CSV bytes in both.
//!
//! Compiled to `wasm32-unknown-unknown` it exports three plain functions, so no glue
//! generator is needed: `alloc(len)` returns a buffer for the request's UTF-8 bytes,
//! `call(ptr, len)` handles it and returns a pointer to the answer, `answer_len()` its
//! length in bytes. The answer stays valid until the next call.

pub mod api;
mod views;

use std::cell::RefCell;

thread_local! {
    static ANSWER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A buffer of `len` bytes for the next request (freed by [`call`]).
#[unsafe(no_mangle)]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut buf = Vec::<u8>::with_capacity(len.max(1));
    let ptr = buf.as_mut_ptr();
    std::mem::forget(buf);
    ptr
}

/// Handles the request in the buffer from [`alloc`] and returns the answer's address.
///
/// # Safety
/// `ptr` must come from `alloc(len)` with the same `len`, filled with `len` bytes, and is
/// not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn call(ptr: *mut u8, len: usize) -> *const u8 {
    // SAFETY: the caller passes the buffer `alloc(len)` gave, with `len` bytes written.
    let bytes = unsafe { Vec::from_raw_parts(ptr, len, len.max(1)) };
    let answer = match std::str::from_utf8(&bytes) {
        Ok(text) => api::handle(text),
        Err(_) => api::error_answer("the request is not UTF-8 text"),
    };
    ANSWER.with(|a| {
        *a.borrow_mut() = answer.into_bytes();
        a.borrow().as_ptr()
    })
}

/// Length in bytes of the answer [`call`] returned.
#[unsafe(no_mangle)]
pub extern "C" fn answer_len() -> usize {
    ANSWER.with(|a| a.borrow().len())
}
