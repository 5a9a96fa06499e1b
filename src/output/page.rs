//! `whatif page`: the browser page as one self-contained HTML file. The template, its
//! style and script (`web/`) and the engine compiled to WebAssembly (`web/whatif.wasm`,
//! built by `web/build.sh`) are compiled into this binary; the page is them filled in,
//! with the chosen scenarios' texts. Nothing in it refers to anything outside it.

const TEMPLATE: &str = include_str!("../../web/page.html");
const STYLE: &str = include_str!("../../web/page.css");
const SCRIPT: &str = include_str!("../../web/page.js");
const ENGINE: &[u8] = include_bytes!("../../web/whatif.wasm");

/// The largest page `whatif page` writes (so it still travels as an e-mail attachment).
pub const MAX_PAGE_BYTES: usize = 3 * 1024 * 1024;

/// A scenario preloaded in the page.
pub struct Preloaded {
    /// The file name shown in messages (`putin_north_korea_visit.yaml`).
    pub name: String,
    pub title: String,
    pub yaml: String,
}

/// The page with `scenarios` preloaded (the first is shown first).
pub fn page(scenarios: &[Preloaded]) -> String {
    let data: Vec<serde_json::Value> =
        scenarios.iter().map(|s| serde_json::json!({ "name": s.name, "title": s.title, "yaml": s.yaml })).collect();
    // `<` only occurs inside JSON strings, where `\u003c` means the same; so no text in a
    // scenario can end the script element or open a comment in it.
    let json = serde_json::Value::Array(data).to_string().replace('<', "\\u003c");
    fill(
        TEMPLATE,
        &[("/*STYLE*/", STYLE), ("/*WASM*/", &base64(ENGINE)), ("/*SCENARIOS*/", &json), ("/*SCRIPT*/", SCRIPT)],
    )
}

/// The template with each marker replaced once, looking for markers in the template
/// only (never in what was put in).
fn fill(template: &str, parts: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + parts.iter().map(|p| p.1.len()).sum::<usize>());
    let mut rest = template;
    let mut order: Vec<(usize, &str, &str)> =
        parts.iter().map(|(m, v)| (template.find(m).expect("every marker is in the template"), *m, *v)).collect();
    order.sort_unstable();
    let mut done = 0;
    for (at, marker, value) in order {
        let (head, tail) = rest.split_at(at - done);
        out.push_str(head);
        out.push_str(value);
        rest = &tail[marker.len()..];
        done = at + marker.len();
    }
    out.push_str(rest);
    out
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_examples() {
        for (plain, coded) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy")] {
            assert_eq!(base64(plain.as_bytes()), coded);
        }
    }

    #[test]
    fn markers_inside_inserted_text_are_left_alone() {
        let t = "a/*X*/b/*Y*/c";
        assert_eq!(fill(t, &[("/*Y*/", "y"), ("/*X*/", "/*Y*/")]), "a/*Y*/byc");
    }

    #[test]
    fn scenario_text_cannot_close_the_script() {
        let html = page(&[Preloaded { name: "x.yaml".into(), title: "t".into(), yaml: "# </script><!--".into() }]);
        assert!(!html.contains("# </script>") && !html.contains("<!--"));
        assert_eq!(html.matches("</script>").count(), 3);
    }
}
