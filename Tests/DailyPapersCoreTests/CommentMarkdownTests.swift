import DailyPapersCore
import Testing

@Suite struct CommentMarkdownTests {
    @Test(arguments: [
        ("plain text", "<p>plain text</p>"),
        ("*em* and **strong** and `x < y`", "<p><em>em</em> and <strong>strong</strong> and <code>x &lt; y</code></p>"),
        ("snake_case_name stays", "<p>snake_case_name stays</p>"),
        ("two\nlines\n\nnew paragraph", "<p>two<br>lines</p><p>new paragraph</p>"),
        ("- a\n- b\n\n1. one\n2. two", "<ul><li>a</li><li>b</li></ul><ol><li>one</li><li>two</li></ol>"),
        ("> quoted *text*\nplain", "<blockquote><p>quoted <em>text</em></p></blockquote><p>plain</p>"),
        ("```\n<b>code</b>\n  indented\n```", "<pre><code>&lt;b&gt;code&lt;/b&gt;\n  indented</code></pre>"),
        ("see https://arxiv.org/abs/2412.01981.", "<p>see <a href=\"https://arxiv.org/abs/2412.01981\" rel=\"nofollow ugc noopener\">https://arxiv.org/abs/2412.01981</a>.</p>"),
        // A quote ends a URL: the link is refused and the bare URL before the quote is linked instead.
        ("[site](https://example.org/?a=1&b=\"2\")",
         "<p>[site](<a href=\"https://example.org/?a=1&amp;b=\" rel=\"nofollow ugc noopener\">https://example.org/?a=1&amp;b=</a>&quot;2&quot;)</p>"),
        ("[site](https://example.org/?a=1&b=2)", "<p><a href=\"https://example.org/?a=1&amp;b=2\" rel=\"nofollow ugc noopener\">site</a></p>"),
        ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"),
        ("[x](JaVaScRiPt:alert(1))", "<p>[x](JaVaScRiPt:alert(1))</p>"),
        ("[x](data:text/html,<script>)", "<p>[x](data:text/html,&lt;script&gt;)</p>"),
        ("<script>alert('x')</script>", "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>"),
        ("<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>"),
        ("**[bold link](https://a.example/)**", "<p><strong><a href=\"https://a.example/\" rel=\"nofollow ugc noopener\">bold link</a></strong></p>"),
        ("[**a**](mailto:x@example.org)", "<p><a href=\"mailto:x@example.org\" rel=\"nofollow ugc noopener\"><strong>a</strong></a></p>"),
        ("unclosed *star and `tick", "<p>unclosed *star and `tick</p>"),
        ("> > > > deep", "<blockquote><blockquote><blockquote><p>&gt; deep</p></blockquote></blockquote></blockquote>"),
    ])
    func rendersTheSubsetSafely(source: String, html: String) {
        #expect(CommentMarkdown.render(source) == html)
    }

    /// Whatever is typed, no tag or attribute appears that this renderer did not write.
    @Test func noTypedMarkupSurvives() {
        let nasty = ["<", ">", "\"", "'", "&", "*", "_", "`", "[", "]", "(", ")", "javascript:", "https://x.example/", "\n", "> ", "- ", "<svg onload=1>"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let text = (0..<12).map { _ in nasty.randomElement(using: &generator)! }.joined()
            let html = CommentMarkdown.render(text)
            let stripped = html.replacingOccurrences(of: #"<(/?)(p|br|em|strong|code|pre|ul|ol|li|blockquote)>"#, with: "", options: .regularExpression)
                .replacingOccurrences(of: #"<a href="(https?|mailto)[^"<>]*" rel="nofollow ugc noopener">"#, with: "", options: .regularExpression)
                .replacingOccurrences(of: "</a>", with: "")
            #expect(!stripped.contains("<") && !stripped.contains(">"), "\(text.debugDescription) -> \(html)")
        }
    }
}
