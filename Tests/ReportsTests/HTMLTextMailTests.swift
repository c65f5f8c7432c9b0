import Testing

@testable import Reports

@Suite("RFC 5173 body :text — HTML to text: real-world mail")
struct HTMLTextMailTests {
    @Test func newsletterWithLayoutTables() {
        let html = """
            <!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
            <html xmlns="http://www.w3.org/1999/xhtml">
            <head>
              <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
              <title>Weekly Deals</title>
              <style type="text/css">
                body { margin: 0; } .hidden { display: none; }
              </style>
              <script type="text/javascript">document.write("<p>tracking</p>");</script>
            </head>
            <body>
              <div style="display:none; max-height:0px; overflow:hidden;">Preheader text you never see&nbsp;&zwnj;&nbsp;</div>
              <table width="100%" cellpadding="0" cellspacing="0" border="0">
                <tr>
                  <td align="center">
                    <table width="600">
                      <tr><td><h1>This&nbsp;week&rsquo;s deals</h1></td></tr>
                      <tr><td><p>Save&nbsp;50% on <b>everything</b> &mdash; today only!</p></td></tr>
                      <tr>
                        <td>Widget</td>
                        <td>&euro;9.99</td>
                      </tr>
                    </table>
                  </td>
                </tr>
              </table>
              <p style="font-size:10px">To unsubscribe, <a href="https://example.com/u?id=1&amp;x=2">click&nbsp;here</a>.</p>
              <img src="https://example.com/pixel.gif" width="1" height="1" alt="">
            </body>
            </html>
            """
        #expect(HTMLText.extractText(fromHTML: Array(html.utf8), charset: nil) == """
            This week’s deals

            Save 50% on everything — today only!

            Widget\t€9.99

            To unsubscribe, click here.
            """)
    }

    @Test func gmailFragmentWithQuote() {
        let html = """
            <div dir="ltr">Sounds good, see you at 3.<div><br></div><div>Anna</div></div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, 4 Mar 2024 at 10:02, Bob &lt;<a href="mailto:bob@example.com">bob@example.com</a>&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex"><div dir="ltr">Meeting at 3?</div></blockquote></div>
            """
        #expect(HTMLText.extractText(fromHTML: Array(html.utf8), charset: "UTF-8") == """
            Sounds good, see you at 3.

            Anna

            On Mon, 4 Mar 2024 at 10:02, Bob <bob@example.com> wrote:
            Meeting at 3?
            """)
    }

    @Test func outlookWordHTML() {
        let html = """
            <html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
            <meta http-equiv=Content-Type content="text/html; charset=windows-1252">
            <!--[if gte mso 9]><xml><o:OfficeDocumentSettings><o:AllowPNG/></o:OfficeDocumentSettings></xml><![endif]-->
            <style><!-- p.MsoNormal {margin:0cm;} --></style></head>
            <body lang=EN-GB link="#0563C1"><div class=WordSection1>
            <p class=MsoNormal>Hi team,<o:p></o:p></p>
            <p class=MsoNormal><o:p>&nbsp;</o:p></p>
            <p class=MsoNormal>Please find the report attached \u{93}Q1\u{94}.<o:p></o:p></p>
            </div></body></html>
            """
        // Windows-1252 bytes: the curly quotes are 0x93/0x94. The paragraph holding only a
        // no-break space stays an (empty) line of its own, between two paragraph gaps.
        let bytes = html.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
        #expect(HTMLText.extractText(fromHTML: bytes, charset: nil) == """
            Hi team,



            Please find the report attached “Q1”.
            """)
    }

    @Test func preformattedSignatureAndCode() {
        let html = """
            <p>Here is the config:</p>
            <pre>
            require "fileinto";
            if header :contains "subject" "[list]" {
                fileinto "Lists";
            }
            </pre>
            <p>--&nbsp;<br>Carol</p>
            """
        #expect(HTMLText.extractText(fromHTML: Array(html.utf8), charset: "utf-8") == """
            Here is the config:

            require "fileinto";
            if header :contains "subject" "[list]" {
                fileinto "Lists";
            }

            --
            Carol
            """)
    }
}
