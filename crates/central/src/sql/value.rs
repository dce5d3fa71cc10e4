//! Values crossing the SQL interface, and their conversions to and from
//! Rust types.

use rusqlite::types::{ToSqlOutput, ValueRef};

/// A value as both backends store it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// A 64-bit integer (also booleans, as 0 and 1).
    Int(i64),
    /// A float.
    Real(f64),
    /// Text.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
}

impl From<ValueRef<'_>> for Value {
    fn from(v: ValueRef<'_>) -> Self {
        match v {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Int(i),
            ValueRef::Real(f) => Value::Real(f),
            ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        }
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Value::Real(f) => ToSqlOutput::Borrowed(ValueRef::Real(*f)),
            Value::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
            Value::Blob(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        })
    }
}

/// A Rust value that can be a statement parameter.
pub trait Param {
    /// As a [`Value`].
    fn value(&self) -> Value;
}

impl<T: Param + ?Sized> Param for &T {
    fn value(&self) -> Value {
        (**self).value()
    }
}

impl<T: Param> Param for Option<T> {
    fn value(&self) -> Value {
        self.as_ref().map_or(Value::Null, Param::value)
    }
}

impl Param for Value {
    fn value(&self) -> Value {
        self.clone()
    }
}

impl Param for str {
    fn value(&self) -> Value {
        Value::Text(self.to_string())
    }
}

impl Param for String {
    fn value(&self) -> Value {
        Value::Text(self.clone())
    }
}

impl Param for [u8] {
    fn value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}

impl Param for Vec<u8> {
    fn value(&self) -> Value {
        Value::Blob(self.clone())
    }
}

impl Param for bool {
    fn value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}

impl Param for f64 {
    fn value(&self) -> Value {
        Value::Real(*self)
    }
}

macro_rules! int_param {
    ($($t:ty)+) => {$(
        impl Param for $t {
            fn value(&self) -> Value {
                Value::Int(i64::from(*self))
            }
        }
    )+};
}
int_param!(i8 i16 i32 i64 u8 u16 u32);

impl Param for u64 {
    fn value(&self) -> Value {
        // Past i64 it cannot be stored; the saturated value fails any check.
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl Param for usize {
    fn value(&self) -> Value {
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

/// A Rust value a column can be read as.
pub trait FromValue: Sized {
    /// Converts, or says why not.
    fn from_value(v: &Value) -> Result<Self, String>;
}

fn mismatch(want: &str, got: &Value) -> String {
    let got = match got {
        Value::Null => "NULL",
        Value::Int(_) => "an integer",
        Value::Real(_) => "a float",
        Value::Text(_) => "text",
        Value::Blob(_) => "bytes",
    };
    format!("expected {want}, found {got}")
}

impl FromValue for Value {
    fn from_value(v: &Value) -> Result<Self, String> {
        Ok(v.clone())
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

impl FromValue for String {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Text(t) => Ok(t.clone()),
            v => Err(mismatch("text", v)),
        }
    }
}

impl FromValue for Vec<u8> {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Blob(b) => Ok(b.clone()),
            v => Err(mismatch("bytes", v)),
        }
    }
}

impl FromValue for bool {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Int(i) => Ok(*i != 0),
            v => Err(mismatch("a boolean", v)),
        }
    }
}

impl FromValue for f64 {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Real(f) => Ok(*f),
            Value::Int(i) => Ok(*i as f64),
            v => Err(mismatch("a number", v)),
        }
    }
}

macro_rules! int_from_value {
    ($($t:ty)+) => {$(
        impl FromValue for $t {
            fn from_value(v: &Value) -> Result<Self, String> {
                match v {
                    Value::Int(i) => <$t>::try_from(*i)
                        .map_err(|_| format!("{i} is out of range for {}", stringify!($t))),
                    v => Err(mismatch("an integer", v)),
                }
            }
        }
    )+};
}
int_from_value!(i8 i16 i32 i64 u8 u16 u32 u64 usize);
