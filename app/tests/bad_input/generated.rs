//! Generated input.

use super::*;

/// A generated argument value, form-encoded.
pub(crate) fn any_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        // Any characters, control characters included.
        any::<String>().prop_map(|s| enc(&s).into_bytes()),
        "\\PC{0,300}".prop_map(|s| enc(&s).into_bytes()),
        // Any bytes, percent-encoded (mostly not UTF-8) or raw.
        prop::collection::vec(any::<u8>(), 0..64).prop_map(|b| {
            b.iter()
                .flat_map(|x| format!("%{x:02x}").into_bytes())
                .collect()
        }),
        prop::collection::vec(any::<u8>(), 0..64),
        // Form syntax.
        "[%&=\\[\\]+;a-z0-9]{0,40}".prop_map(String::into_bytes),
    ]
}

#[derive(Clone, Debug)]
pub(crate) struct Case {
    endpoint: usize,
    field: prop::sample::Index,
    caller: Caller,
    value: Vec<u8>,
    /// The value is the whole body rather than one argument.
    whole: bool,
    /// A plain HTML form post (redirects back) rather than a fetch.
    html: bool,
    referer: String,
}

#[test]
fn generated_arguments_are_answered_cleanly() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let w = rt.block_on(world());
    let i = rt.block_on(w.instance());
    let b = rt.block_on(before(&i));
    let eps = endpoints();
    let strategy = (
        0..eps.len(),
        any::<prop::sample::Index>(),
        prop::sample::select(vec![Anonymous, IsvAdmin, CustomerAdmin]),
        any_value(),
        any::<bool>(),
        any::<bool>(),
        "[ -~]{0,60}",
    )
        .prop_map(
            |(endpoint, field, caller, value, whole, html, referer)| Case {
                endpoint,
                field,
                caller,
                value,
                whole,
                html,
                referer,
            },
        );
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 400,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let result = runner.run(&strategy, |case| {
        let ep = &eps[case.endpoint];
        let mut args = base(&w, case.caller, ep);
        let body = if case.whole || args.is_empty() {
            case.value.clone()
        } else {
            let i = case.field.index(args.len());
            args[i].1 = case.value.clone();
            form(&args)
        };
        let r = rt.block_on(async {
            let cookie = session(&i, case.caller).await;
            let mut req = post(&ep.path, FORM, body, cookie.as_deref());
            if case.html {
                let h = req.headers_mut();
                h.insert(header::ACCEPT, "text/html".parse().unwrap());
                if let Ok(v) = case.referer.parse() {
                    h.insert(header::REFERER, v);
                }
            }
            send(&i.s, req).await
        });
        let r = r.map_err(|e| TestCaseError::fail(format!("{}: {e}", ep.path)))?;
        judge(&r).map_err(|e| TestCaseError::fail(format!("{}: {e}", ep.path)))?;
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    rt.block_on(check_database(&i, &b));
}
