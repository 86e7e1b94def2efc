//! Requests that tests make to the relay and read as JSON.

use serde::de::DeserializeOwned;

/// Sends a request and reads its answer as JSON, whatever the status (a
/// test asserts on the answer itself).
#[allow(async_fn_in_trait)] // Used in tests, never as a `dyn`.
pub trait SendJson {
    /// The answer as a JSON value, for tests that look at a few fields.
    async fn send_json(self) -> serde_json::Value;
    /// The answer decoded into the type the relay promises.
    async fn send_as<T: DeserializeOwned>(self) -> T;
}

impl SendJson for reqwest::RequestBuilder {
    async fn send_json(self) -> serde_json::Value {
        self.send_as().await
    }

    async fn send_as<T: DeserializeOwned>(self) -> T {
        self.send()
            .await
            .expect("the server answers")
            .json()
            .await
            .expect("a JSON answer of the expected shape")
    }
}
