//! Reading a JSON request body field by field, so that a malformed body,
//! a field of the wrong type or an unknown field is a 400 that names the
//! field, and a body naming another recorder (`user`) is refused. Values
//! are handed on as the text the CLI would have been given, so the
//! library's validation (and its message) is the same for both faces.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use serde_json::{Map, Value};

use super::error::ApiError;

pub(super) struct Fields(Map<String, Value>);

/// The body as bytes, or the 413/400 of its rejection.
pub(super) fn bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large()
        } else {
            ApiError::bad_request(format!(
                "could not read the request body: {}",
                r.body_text()
            ))
        }
    })
}

impl Fields {
    /// Parse a JSON object taking only `allowed` fields. `recorder` is the
    /// signed-in account: a `user` field naming anyone else is refused.
    pub(crate) fn parse(
        body: &[u8],
        allowed: &[&str],
        recorder: Option<&str>,
    ) -> Result<Fields, ApiError> {
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("malformed JSON body: {e}")))?;
        let Value::Object(mut map) = value else {
            return Err(ApiError::bad_request("the JSON body must be an object"));
        };
        if let Some(user) = map.remove("user") {
            let own = match (&user, recorder) {
                (Value::String(u), Some(me)) => u.trim().eq_ignore_ascii_case(me),
                _ => false,
            };
            if !own {
                return Err(ApiError::bad_request(
                    "field \"user\": the recorder is the signed-in account; a request may not name another",
                ));
            }
        }
        if let Some(unknown) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(ApiError::bad_request(format!(
                "field {unknown:?} is not one this request takes (it takes {})",
                allowed.join(", ")
            )));
        }
        Ok(Fields(map))
    }

    /// A form's fields (empty ones are "not given", as on the CLI),
    /// checked like a JSON body's.
    pub(crate) fn from_form(
        form: &std::collections::HashMap<String, String>,
        allowed: &[&str],
        recorder: Option<&str>,
    ) -> Result<Fields, ApiError> {
        let map: Map<String, Value> = form
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        let body = Value::Object(map).to_string();
        Fields::parse(body.as_bytes(), allowed, recorder)
    }

    /// The body of a sign-in: `{"user","password"}` (here `user` is the
    /// name signing in, not a recorder).
    pub(crate) fn parse_sign_in(body: &[u8]) -> Result<Fields, ApiError> {
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("malformed JSON body: {e}")))?;
        let Value::Object(map) = value else {
            return Err(ApiError::bad_request("the JSON body must be an object"));
        };
        if let Some(unknown) = map
            .keys()
            .find(|k| !matches!(k.as_str(), "user" | "password"))
        {
            return Err(ApiError::bad_request(format!(
                "field {unknown:?} is not one this request takes (it takes user, password)"
            )));
        }
        Ok(Fields(map))
    }

    /// A text field (absent or null: `None`).
    pub(crate) fn text(&self, name: &str) -> Result<Option<String>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(wrong_type(name, "a string", other)),
        }
    }

    /// A required text field.
    pub(crate) fn required(&self, name: &str) -> Result<String, ApiError> {
        self.text(name)?
            .ok_or_else(|| ApiError::bad_request(format!("field {name:?} is required")))
    }

    /// A number given as a JSON number or as text, as the CLI's text (so
    /// `1.5` and `"abc"` are refused by the same rule, with its message).
    pub(crate) fn number_text(&self, name: &str) -> Result<Option<String>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(other) => Err(wrong_type(name, "a whole number", other)),
        }
    }

    /// A flag (absent: false).
    pub(crate) fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(wrong_type(name, "true or false", other)),
        }
    }
}

fn wrong_type(name: &str, expected: &str, got: &Value) -> ApiError {
    let kind = match got {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    ApiError::bad_request(format!("field {name:?} must be {expected}, not {kind}"))
}
