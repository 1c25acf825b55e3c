"""Tests for normalise/boilerplate.py: rule families (with negatives), credits, teasers,
duplicates, cross-document repetition, context, headings, and audit completeness."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalise.boilerplate import BoilerplateConfig, classify_documents, cross_doc_counts, load_rules, rule_key
from normalise.document import Document

P_EN = [
    "The government announced on Monday that it would raise the minimum wage by five percent from January.",
    "Opposition parties said the increase was too small and would not keep up with the rising cost of living.",
    "Economists expect the measure to cost the state about two billion euros over the next three years.",
]
P_FR = [
    "Le gouvernement a annoncé lundi qu'il relèverait le salaire minimum de cinq pour cent dès le mois de janvier.",
    "Les partis d'opposition ont jugé que la hausse était trop faible et ne suivrait pas la hausse des prix.",
]
P_DE = [
    "Die Regierung hat am Montag angekündigt, dass sie den Mindestlohn ab Januar um fünf Prozent erhöhen wird.",
    "Die Opposition kritisierte, dass die Erhöhung zu gering sei und mit den steigenden Preisen nicht mithalte.",
]


def run(*docs_lines: list[str], cfg: BoilerplateConfig | None = None) -> list[Document]:
    docs = [Document.from_text(f"d{i}", "\n".join(lines) + "\n") for i, lines in enumerate(docs_lines)]
    classify_documents(docs, cfg or BoilerplateConfig())
    return docs


def in_article(line: str):
    """The record of ``line`` placed between full paragraphs, away from the document's edges."""
    return run(["Wage rise", P_EN[0], P_EN[1], line, P_EN[2], P_EN[0] + " More.", P_EN[1] + " More."])[0].lines[3]


def verdict(line: str, paras: list[str] = P_EN) -> tuple[str, str]:
    """Classify ``line`` placed in the middle of an article; return (action, reason)."""
    lines = ["Minimum wage to rise in January", paras[0], paras[1], line, paras[0][::-1][:0] + paras[-1]]
    doc = run(lines)[0]
    rec = doc.lines[3]
    return rec.action, rec.reason


# ---------------------------------------------------------------------------------------------
# rule families: (line, expected reason prefix)

CHROME = [
    # navigation and skip links
    ("Skip to content", "nav:skip-link"),
    ("1. Skip to main menu", "nav:skip-link"),
    ("Aller au contenu principal", "nav:skip-link"),
    ("Direkt zum Inhalt springen", "nav:skip-link"),
    ("Accessibility links", "nav:accessibility"),
    ("Home > World > Africa", "nav:breadcrumb"),
    ("Accueil › Monde › Afrique", "nav:breadcrumb"),
    ("ConflictsMali", "nav:breadcrumb"),
    ("News | Sport | Weather | Travel", "nav:menu-inline"),
    ("Back to top", "nav:menu"),
    ("Retour en haut de la page", "nav:menu"),
    ("Tag Archives: economic conditions", "nav:archive"),
    ("Schlagwort-Archive: Finanzpolitik", "nav:archive"),
    # share / follow / subscribe
    ("Share this article", "share:button"),
    ("Share on Facebook", "share:button"),
    ("Partager", "share:button"),
    ("Artikel teilen", "share:button"),
    ("Follow us on Twitter", "share:follow"),
    ("Suivez-nous sur Instagram", "share:follow"),
    ("Folgen Sie uns auf Facebook", "share:follow"),
    ("Subscribe", "subscribe:prompt"),
    ("I subscribe", "subscribe:prompt"),
    ("Je m'abonne", "subscribe:prompt"),
    ("Jetzt abonnieren", "subscribe:prompt"),
    ("Sign up for our daily newsletter", "subscribe:newsletter"),
    ("Inscrivez-vous à notre newsletter", "subscribe:newsletter"),
    # cookies
    ("We use cookies to improve your experience on our site.", "cookie:banner"),
    ("Tout accepter", "cookie:banner"),
    ("Wir verwenden Cookies, um Ihnen ein besseres Nutzererlebnis zu bieten.", "cookie:banner"),
    # apps
    ("Download the France 24 app", "app:download"),
    ("Get it on Google Play", "app:badge"),
    ("google-play-badge_FR", "app:badge"),
    ("Téléchargez l'application Le Monde", "app:download"),
    # teasers
    ("Read also: Minimum wage rises in Germany", "teaser:read-also"),
    ("Lire aussi : La hausse du smic en débat", "teaser:read-also"),
    ("Lesen Sie auch: Mindestlohn steigt", "teaser:read-also"),
    # comments
    ("Leave a Comment", "comments:prompt"),
    ("Laisser un commentaire", "comments:prompt"),
    ("Schreibe einen Kommentar", "comments:prompt"),
    ("Your email address will not be published. Required fields are marked *", "comments:prompt"),
    # footers
    ("© 2024 Example Media. All rights reserved.", "footer:copyright"),
    ("Tous droits réservés", "footer:copyright"),
    ("Privacy Policy", "footer:legal"),
    ("Mentions légales", "footer:legal"),
    ("This article was originally published on The Conversation.", "footer:syndication"),
    # media and widgets
    ("Lesezeit: 10 min", "widget:reading-time"),
    ("3 min read", "widget:reading-time"),
    ("il y a 11 ans", "widget:relative-time"),
    ("Advertisement", "ad:label"),
    ("Anzeige", "ad:label"),
    # paywalls, consent walls, empty date widgets, players, refresh buttons, credit labels
    ("Already a subscriber? Log in", "subscribe:paywall"),
    ("Continue reading with a free trial", "subscribe:paywall"),
    ("Weiter mit dem PUR-Abo", "cookie:consent-wall"),
    ("Erstellt von - Uhr", "widget:date-empty"),
    ("Publié le", "widget:date-empty"),
    ("No media source currently available", "media:player"),
    ("0:00 0:03:49 0:00", "media:player"),
    ("+++ Newsticker zum Gipfel aktualisieren +++", "nav:refresh"),
    ("Image credit:", "footer:credit-label"),
    ("Pas de commentaires", "comments:prompt"),
    ("Home -> Country", "nav:breadcrumb"),
    ("science >> Science > Biologie", "nav:breadcrumb"),
    # bare urls
    ("https://p.dw.com/p/4Al33", "url:bare"),
    ("www.example.org/news", "url:bare"),
]


# notices added with the third batch of dev pages (paywalls, consent, comments, live tickers,
# players, licences, pagination, sources, file names); wording varied from the pages' own
CHROME_3 = [
    ("Pour poursuivre la lecture de cet article, abonnez-vous dès maintenant", "subscribe:paywall"),
    ("...pour lire la suite, rejoignez la communauté de nos lecteurs abonnés", "subscribe:paywall"),
    ("Cet article fait partie de l'édition abonnés. Pour lire la suite, profitez de notre offre", "subscribe:paywall"),
    ("1er mois à 1€", "subscribe:paywall"),
    ("1 month for 1 €", "subscribe:paywall"),
    ("à partir de 2,99 € par mois, sans engagement", "subscribe:paywall"),
    ("Le Figaro reserves this article for its subscribers", "subscribe:paywall"),
    ("Dieser Artikel steht nur unseren Abonnenten zur Verfügung.", "subscribe:paywall"),
    ("Damit Sie den Artikel vollständig lesen können, benötigen Sie ein Online-Abonnement.", "subscribe:paywall"),
    ("Sie sind bereits registriert?", "subscribe:login"),
    ("Hier einloggen", "subscribe:login"),
    ("This site is using cookies to give you the best experience", "cookie:banner"),
    ("Your cookie preferences have been saved.", "cookie:banner"),
    ("Wir benötigen Ihre Zustimmung, um den Podcast anzuzeigen", "cookie:consent-wall"),
    ('Durch Klick auf "Akzeptieren" geben Sie Ihre Einwilligung für die Datenübermittlung.', "cookie:consent-wall"),
    ("Vos réactions doivent respecter nos CGU.", "comments:prompt"),
    ("Connectez-vous à votre compte franceinfo pour commenter.", "comments:prompt"),
    ("Vidéo suivante dans 10 secondes", "media:player"),
    ("Ce direct est désormais terminé.", "widget:live-ended"),
    ("Dieser Ticker ist beendet. Alle weiteren Entwicklungen finden Sie in unserem neuen Ticker.", "widget:live-ended"),
    ("You are welcome to republish this article online under a Creative Commons licence.", "footer:copyright"),
    ("Creative Commons License", "footer:copyright"),
    ("Artikel 3 von 12", "nav:pagination"),
    ("We will use your email address only for sending you newsletters.", "subscribe:newsletter"),
    ("Média d'origine : Le Monde", "credit:source"),
    ("Source : Radio Bleu Isère", "credit:source"),
    ("famille-plage-ete-1024x680", "caption:filename"),
    ("imgp1309_1.jpg", "media:file"),  # the older file-name rule fires first
    ("Symbolfoto / Archiv", "caption:label"),
    ("epa07418008 General view of the stadium before the second leg soccer match in Paris, France.", "caption:agency"),
]


@pytest.mark.parametrize("line,reason", CHROME_3)
def test_notice_line_is_dropped(line, reason):
    action, got = verdict(line)
    assert (action, got) == ("drop", reason), line


# sentences that share words with those notices: kept
PROSE_3 = [
    ("Pour lire la suite de son rapport, il faut attendre la publication complète en mars prochain.", P_FR),
    ("Le premier mois à 1 euro a attiré de nombreux abonnés, selon la direction du journal.", P_FR),
    ("Dieser Artikel des Grundgesetzes steht seit Jahren in der Kritik der Opposition.", P_DE),
    ("The source of the leak was never identified, the inquiry concluded in its final report.", P_EN),
    ("Source : the ministry said the figures were provisional and would be revised in March.", P_EN),
    ("Ce direct entre les deux candidats a réuni plus de quinze millions de téléspectateurs.", P_FR),
    ("By clicking through the archive, researchers found letters that had been lost for decades.", P_EN),
    ("Creative Commons licences let authors share their work while keeping some rights, she said.", P_EN),
]


def test_alt_text_before_its_caption_is_dropped():
    doc = run(["Minimum wage to rise in January", P_EN[0],
               "Workers queue outside a factory in the north.",
               "Workers queue outside a factory in the north. Photograph: Jane Doe/AFP", P_EN[1], P_EN[2]])[0]
    assert (doc.lines[2].action, doc.lines[2].reason) == ("drop", "caption:alt-text")
    assert doc.lines[3].reason == "caption:credited"
    # negative: a paragraph that a caption merely quotes from is not alt text (the caption is not
    # its continuation)
    doc = run(["Minimum wage to rise in January", P_EN[0], P_EN[1],
               "A crowd outside the ministry. Photograph: Jane Doe/AFP", P_EN[2]])[0]
    assert doc.lines[2].action == "keep"


def test_copyright_sign_after_a_credit_label_is_a_credit():
    doc = run(["Minimum wage to rise in January", P_EN[0], "Heavy rain in the valley. - Foto: © shutterstock", P_EN[1]])[0]
    assert (doc.lines[2].action, doc.lines[2].reason) == ("drop", "caption:credited")
    # negative: "Photo: what it shows" in prose without a holder is not a credit
    doc = run(["Minimum wage to rise in January", P_EN[0], "He added one detail. Photo: the family at the beach", P_EN[1]])[0]
    assert doc.lines[2].action == "keep"


def test_agency_and_photographer_in_brackets_end_a_caption():
    cap = "The new chairman speaks to the media in Geneva, Switzerland, Tuesday, September 5, 2017. (KEYSTONE/Salvatore Di Nolfi)"
    doc = run(["Minimum wage to rise in January", P_EN[0], cap, P_EN[1]])[0]
    assert (doc.lines[2].action, doc.lines[2].reason) == ("drop", "caption:credited")
    assert "KEYSTONE/Salvatore Di Nolfi" in doc.metadata["credits"]
    # negative: a wire paragraph that ends with the agency alone is the story
    para = "The ministry said the talks would resume next week in Geneva, according to officials (Reuters)"
    doc = run(["Minimum wage to rise in January", P_EN[0], para, P_EN[1]])[0]
    assert doc.lines[2].action == "keep", doc.lines[2].reason


def test_truncated_summary_printed_before_the_article_is_a_duplicate():
    summary = P_EN[0] + " " + P_EN[1][:40] + "…"
    doc = run(["Minimum wage to rise in January", summary, P_EN[0], P_EN[1], P_EN[2]])[0]
    assert (doc.lines[1].action, doc.lines[1].reason) == ("drop", "duplicate:summary")
    assert all(r.action == "keep" for r in doc.lines[2:5])
    # negative: an ellipsis line that the article does not repeat (a quote trailing off) stays
    doc = run(["Minimum wage to rise in January", P_EN[0],
               "The minister paused and said that the figures, if confirmed, would change everything…", P_EN[1]])[0]
    assert doc.lines[2].action == "keep"


def test_long_prose_cut_short_is_not_dropped_on_context():
    cut = "Le changement de la matière et de ses propriétés permet de transférer de l'énergie vers les"
    doc = run(["Minimum wage to rise in January", P_FR[0], P_FR[1], "Partager", cut])[0]
    assert doc.lines[4].action == "keep", doc.lines[4].reason
    # negative: without it being prose (a run of names) the context still decides
    doc = run(["Minimum wage to rise in January", P_FR[0], P_FR[1], "Partager",
               "Elections Politique Economie Sport Culture Sciences Planète Vidéos Podcasts Newsletters Archives Contact"])[0]
    assert doc.lines[4].action == "drop"
    # a cut line with an ordinary share of function words (here 4 of 15) after an ad label at the
    # end of an excerpt is still the story's
    cut = "Delta Airlines, for instance, faced problems with staffing and aircraft availability at several big hubs,"
    doc = run(["Minimum wage to rise in January", P_EN[0], P_EN[1], "Advertisement", cut])[0]
    assert doc.lines[4].action == "keep", doc.lines[4].reason


# widgets, pointers, closed threads, consent purposes, donation pitches, players, section names,
# counters (the rule families added with the fourth batch of dev pages)
CHROME += [
    ("7 minute read", "widget:reading-time"),
    ("2 min. at publisher", "widget:reading-time"),
    ("Temps de lecture : 4 min", "widget:reading-time"),
    ("Continuer à lire sur le site France Info", "nav:read-more"),
    ("... suite de l'article sur RFI", "nav:read-more"),
    ("Read more on Kansas wheat challenges here.", "nav:read-more"),
    ("Weiter zum Artikel", "nav:read-more"),
    ("Article suivant : « A quoi sert la communication ? », page 26", "nav:read-more"),
    ("Ce contenu n'est pas ouvert aux commentaires.", "comments:closed"),
    ("Comments are closed.", "comments:prompt"),  # the older prompt rule fires first
    ("Commenting has been disabled for this article", "comments:closed"),
    ("Les cookies nous permettent de personnaliser le contenu et les annonces et d'analyser notre trafic.",
     "cookie:banner"),
    ("Your support helps us to tell the story", "subscribe:donate"),
    ("Support our Nation today - please donate here", "subscribe:donate"),
    ("Jetzt spenden", "subscribe:donate"),
    ("Your browser doesn’t support HTML5", "media:player"),
    ("Taille du texte: Email Imprimer Partager:", "share:bar"),
    ("Posts Tagged ‘Nord-Est’", "nav:archive"),
    ("Powered by", "footer:powered"),
    ("A la Une", "nav:section"),
    ("Representational image. File picture", "caption:label"),
    ("Allow Twitter content?", "cookie:embed-consent"),
    ("This article contains content provided by Twitter. We ask for your permission before anything is loaded.",
     "cookie:embed-consent"),
    ("The BBC is not responsible for the content of external sites.", "cookie:embed-consent"),
    ("Story continues below advertisement", "ad:label"),
    ("Mit Schwäbische Plus weiterlesen", "subscribe:paywall"),
    ("Ihr Kommentar wird nach einer kurzen Prüfung durch unsere Redaktion veröffentlicht.", "comments:prompt"),
    ("Si vous ne parvenez pas à lire cet email, vous pouvez le visualiser grâce à ce lien", "newsletter:view-online"),
    ("Breaking news from Canada and around the world sent to your email, as it happens.", "newsletter:pitch"),
    ("Latest news with #NeilBibby", "nav:archive"),
    ("Source link", "credit:source"),
    ("Discover more from USNewsRank", "subscribe:newsletter"),
    ("Kommentar hinterlassen", "comments:prompt"),
    ("Courtesy of Annina Kantelinen", "credit:image"),
    ("3 hours ago von Stern", "widget:relative-time"),
    ("Cet article fait partie de l’édition abonnés. Pour lire la suite, profitez d", "subscribe:paywall"),
    ("Votre publicité ici avec Impact Médias", "ad:label"),
    ("Ecouter le podcast", "media:podcast"),
    ("Mes notifications", "nav:menu"),
    ("Publié le par", "widget:date-empty"),
    ("Un grand merci pour votre participation !", "survey:prompt"),
    ("Répondre à cette enquête ne vous prendra que quelques minutes.", "survey:prompt"),
    ("Chaque jour, notre rédaction vous réserve le meilleur de l'info régionale.", "newsletter:pitch"),
    ("En kiosques : janvier 2019", "subscribe:print"),
    ("LIRE AUSSI. Le gouvernement annonce un plan pour les hôpitaux", "teaser:read-also"),
    ("Mehr dazu: Die Reform im Überblick", "teaser:read-also"),
    ("En lien avec : la réforme des retraites", "teaser:read-also"),
    ("{{featured_button_text}}", "template:placeholder"),
    ("[ad_1]", "template:placeholder"),
    ("Lorem ipsum dolor sit amet, consetetur sadipscing elitr, sed diam nonumy eirmod tempor.", "template:placeholder"),
    ("12°C Paris", "widget:weather"),
    ("Sponsored stories", "teaser:marker"),
    ("Les plus consultés", "teaser:marker"),
    ("Das könnte dich auch interessieren", "teaser:marker"),
    ("  • 📊 Quality Score:", "widget:aggregator"),
    ("Publisher: 69%", "widget:aggregator"),
    ("Vous utilisez un AdBlock?! :)", "ad:adblock"),
    ("Connectez-vous ou créez un compte pour pouvoir commenter cet article.", "comments:prompt"),
    ("Bitte aktivieren Sie Cookies, um sich einloggen zu können.", "cookie:banner"),
    ("Original-Content von: Autobahnpolizeiinspektion, übermittelt durch news aktuell", "footer:syndication"),
    ("This article first appeared on", "footer:syndication"),
    ("People are also reading…", "nav:read-more"),
    ("Letzte Aktualisierung:", "widget:date-empty"),
    ("Beiträge (RSS)", "share:follow"),
    ("preview_player", "template:placeholder"),
    ("popularité : 1%", "widget:counter"),
    ("Published 8 hours ago3 minute read", "widget:relative-time"),
    ("Accueil > Vie de la paroisse > Feuille d’Informations Paroissiales > 869 - du 20 mai au 4 juin 2017", "nav:breadcrumb"),
    ("| À la Une | Actualités de l'évêque |", "nav:breadcrumb"),
    ("AdUnit Mobile_Footer_1", "ad:label"),
    ("Facebook Share IconTwitter Share IconEmail Share Icon", "share:button"),
    ("xwhatsappmailcopy-link", "share:button"),
    ("Please ensure Javascript is enabled for purposes of website accessibility", "media:player"),
    ("When you click on a retailer link on our site, we may earn affiliate commission to help fund our work.",
     "footer:affiliate"),
    ("Have something you'd like to add? Read our comment policy by clicking here.", "comments:prompt"),
    ("Schreiben Sie einen Kommentar zum Beitrag:", "comments:prompt"),
    ("-> Retrouvez plus de photos du festival en cliquant ici", "nav:read-more"),
    ("Aktuelle Ausgabe kostenfrei als E-Paper lesen", "subscribe:print"),
    ("Zur mobilen Version", "nav:menu"),
    ("#Comödie Fürth, #Dieter Stoll, #Gostner Hoftheater, #Staatstheater Nürnberg", "tags:hashtags"),
    ("666", "widget:counter"),
    ("3.433", "widget:counter"),
]


@pytest.mark.parametrize("line,reason", CHROME)
def test_chrome_line_is_dropped(line, reason):
    action, got = verdict(line)
    assert action == "drop", (line, got)
    assert got == reason


# real sentences that look like chrome: they must be kept
PROSE = [
    ("Subscribe to the idea that sanctions work and you will be disappointed by the results.", P_EN),
    ("Subscribe to the idea that sanctions work", P_EN),
    ("Partager le pouvoir avec les civils", P_FR),
    ("Partager le pouvoir avec les civils n'a jamais été l'intention de la junte.", P_FR),
    ("Share prices fell sharply after the announcement on Monday.", P_EN),
    ("Follow the money, the prosecutor told the jury in his closing statement.", P_EN),
    ("Read the full report before you decide, the minister urged members of parliament.", P_EN),
    ("Comments made by the minister on Tuesday drew criticism from unions.", P_EN),
    ("Teilen ist das neue Haben, sagen die Gründer des Start-ups aus Leipzig.", P_DE),
    ("Home secretary resigns after leak inquiry", P_EN),
    ("Protesters used the hashtags #MeToo and #BalanceTonPorc", P_EN),
    ("Download speeds in rural areas remain far below the national average, the regulator said.", P_EN),
    ("The app store fee was cut to 15 percent for small developers last year.", P_EN),
    ("He said: the photo shows the whole family at the beach.", P_EN),
    ("Cookies and cakes were served to the delegates during the break.", P_EN),
    ("Warum wir das Rentensystem aktualisieren", P_DE),
    ("Published research shows the policy reduced poverty by a third in five years.", P_EN),
    ("Continue reading the agreement and you find the clause the unions object to.", P_EN),
    ("Publié en 1962, le rapport reste une référence pour les historiens de la période.", P_FR),
    ("Readers were asked to support local journalism by the mayor, who called the paper vital.", P_EN),
    ("Les commentaires du ministre ont été jugés déplacés par l'opposition.", P_FR),
    ("Cookies were once a luxury, the baker said, but now every village shop sells them.", P_EN),
    ("Nach sieben Minuten Lesezeit hatte der Richter genug gehört, sagte der Anwalt.", P_DE),
    ("2024", P_EN),  # a year alone can be what is left of a dateline: not a counter
    ("Powered by wind and sun, the village has not paid an electricity bill in ten years.", P_EN),
    ("File picture shows protesters outside the court on Monday.", P_EN),
    ("Email and print are still used by most offices in the region.", P_EN),
    ("The parcel was sent to your home address by mistake, the company said.", P_EN),
    ("Courtesy of the board, every employee got a bonus at the end of the year.", P_EN),
    ("Merci pour votre participation au débat, a dit le maire aux habitants.", P_FR),
    ("Plus de 300 morts", P_FR),
    ("The minister said he would click here and there on the map to show the new border.", P_EN),
    ("The e-paper edition was read by 40,000 people last year, the publisher said.", P_EN),
    ("We may earn a lot more next year, the union said after the vote.", P_EN),
    ("Home secretary resigns after leak inquiry", P_EN),
    ("The ad-blocker market grew by a third last year, analysts said.", P_EN),
    ("Le maire a voulu commenter cet article de loi devant le conseil municipal lundi soir.", P_FR),
    ("News: the minister resigned on Monday after weeks of pressure from his own party.", P_EN),
    ("Il faisait 35 °C à Paris mardi, un record pour un mois de juin selon Météo-France.", P_FR),
    ("Mehr dazu sagte der Minister am Montag nicht.", P_DE),
    ("Zum Thema Rente sagte der Minister nichts.", P_DE),
    ("More from the minister was expected on Monday.", P_EN),
    ("Cet article de loi fait partie de la réforme votée en mars par les députés.", P_FR),
    ("Archives show the deal was signed in 1998 by both ministers.", P_EN),
    ("The ministry is not responsible for the content of the report, a spokesman said on Monday.", P_EN),
]


@pytest.mark.parametrize("line,paras", [
    ("Finanzen", P_DE), ("World News", P_EN), ("Médias", P_FR), ("Actualités Sport", P_FR), ("Lokalnachrichten", P_DE),
])
def test_section_name_at_the_top_is_dropped(line, paras):
    doc = run([line, "Minimum wage to rise in January", *paras])[0]
    assert (doc.lines[0].action, doc.lines[0].reason) == ("drop", "nav:section")
    assert doc.lines[1].action == "keep"


@pytest.mark.parametrize("line", ["Accueil Actualités Société", "Startseite Politik Ausland", "Home News World Africa"])
def test_section_words_without_separators_are_a_breadcrumb(line):
    doc = run(["Wage rise", P_EN[0], P_EN[1], line, P_EN[2], P_EN[0] + " More.", P_EN[1] + " More."])[0]
    assert (doc.lines[3].action, doc.lines[3].reason) == ("drop", "nav:breadcrumb")


def test_two_section_words_between_paragraphs_stay_as_a_subhead():
    doc = run(["Wage rise", P_EN[0], P_EN[1], "Local elections", P_EN[2], P_EN[0] + " More.", P_EN[1] + " More."])[0]
    assert doc.lines[3].action == "keep"


@pytest.mark.parametrize("line", ["Höhlenfund", "Bund-Länder-Treffen", "Canicule"])
def test_kicker_written_for_the_story_is_not_a_section_name(line):
    assert load_rules().pattern.fullmatch(rule_key(line)) is None


def test_long_lead_printed_again_with_a_credit_is_kept():
    lead = ("Am Landgericht konnten bei 55 im Laufe des Jahres eingegangenen allgemeinen Zivilverfahren nur "
            "wenige in weniger als sechs Monaten erledigt werden")
    doc = run(["Gerichte überlastet", lead, lead + " Foto: Anna Meier/dpa", P_DE[0], P_DE[1]])[0]
    assert doc.lines[1].action == "keep", doc.lines[1].reason
    assert doc.lines[2].reason == "caption:credited"


def test_byline_with_month_and_year_is_a_dateline():
    from normalise.boilerplate import _is_dateline
    assert _is_dateline("Alain Coenen - Mars 2002")
    assert _is_dateline("Published March 2024")


def test_gallery_slide_text_before_its_credited_copy_is_kept():
    # several sentences before their credited copy are the slide's own text, not alt text
    slide = "Ein vertrocknetes Maisfeld bei Hannover. Viele Bauern klagen über Mindererträge von 30 Prozent."
    doc = run(["Dürre vernichtet ein Viertel der Ernte", P_DE[0], slide, slide + " © dpa | Philipp Schulze", P_DE[1]])[0]
    assert doc.lines[2].action == "keep"
    assert doc.lines[3].reason == "caption:credited"


@pytest.mark.parametrize("line,paras", PROSE + PROSE_3)
def test_prose_that_looks_like_chrome_is_kept(line, paras):
    action, reason = verdict(line, paras)
    assert action != "drop", reason


def test_rules_match_whole_line_only():
    table = load_rules()
    assert table.pattern.fullmatch(rule_key("Subscribe")) is not None
    assert table.pattern.fullmatch(rule_key("Subscribe to the idea that sanctions work")) is None
    assert rule_key("  2. Skip to main menu  ›") == "Skip to main menu"


def test_a_rule_that_scans_the_line_needs_a_gate(tmp_path):
    from normalise.boilerplate import _scans
    assert _scans(".{0,80}comment policy") and _scans("abc|(?=.*vous).{0,8}x")
    assert not _scans("(nous utilisons|.{1,40} utilise) votre adresse") and not _scans("read more")
    bad = tmp_path / "bad.tsv"
    bad.write_text("ad:test\t.{0,80}sponsored by .{1,40}\n", encoding="utf-8")
    load_rules.cache_clear()
    with pytest.raises(ValueError, match="gate"):
        load_rules((str(bad),))
    good = tmp_path / "good.tsv"
    good.write_text("ad:test\t.{0,80}sponsored by acme\tsponsored\n", encoding="utf-8")
    table = load_rules((str(good),))
    assert any(r == "ad:test" for _, _, r in table.gated)
    cfg = BoilerplateConfig(extra_rules=(str(good),))
    doc = run(["Wage rise", P_EN[0], P_EN[1], "This page is sponsored by ACME", P_EN[2]], cfg=cfg)[0]
    assert doc.lines[3].reason == "ad:test"
    regex_gate = tmp_path / "regex_gate.tsv"
    regex_gate.write_text("ad:test\t.{0,80}sponsored by acme\tspons.red\n", encoding="utf-8")
    with pytest.raises(ValueError, match="plain keywords"):
        load_rules((str(regex_gate),))
    load_rules.cache_clear()


def test_every_rule_has_a_family_detail_reason():
    table = load_rules()
    for reason in table.reasons:
        family, _, detail = reason.partition(":")
        assert family and detail, reason


# ---------------------------------------------------------------------------------------------
# weak rules only drop next to chrome or near an edge

@pytest.mark.parametrize("line", ["|", " | ", ">", "#", "/"])
def test_cell_debris_is_dropped_even_inside_the_article(line):
    doc = run(["Wage rise", P_EN[0], line, P_EN[1], P_EN[2]])[0]
    assert (doc.lines[2].action, doc.lines[2].reason) == ("drop", "nav:cell-divider")


@pytest.mark.parametrize("line", [" — ", "***", "-"])
def test_scene_break_between_paragraphs_is_kept(line):
    # (away from the first and last lines, where weak families drop: see edge_lines)
    doc = run(["Wage rise", P_EN[0], P_EN[1], line, P_EN[2], P_EN[0] + " More.", P_EN[1] + " More."])[0]
    assert doc.lines[3].action == "keep", doc.lines[3].reason


def test_weak_single_word_kept_as_subhead_between_paragraphs():
    doc = run(["Wage rise", P_EN[0], P_EN[1], "Culture", P_EN[2], P_EN[0] + " More.", P_EN[1] + " More."])[0]
    assert doc.lines[3].action == "keep"


# lines named by a detector or a cue rather than a full-line rule, between two paragraphs
IN_ARTICLE_CHROME = [
    ("With your agreement, we and our partners use cookies to store and access information on your device.", "cookie:consent-text"),
    ("Avec votre accord, nos partenaires et nous utilisons des traceurs pour mesurer l'audience et personnaliser les annonces.", "cookie:consent-text"),
    ("Mit Ihrer Einwilligung verarbeiten wir und unsere Partner Daten auf Ihrem Endgerät, etwa durch Cookies.", "cookie:consent-text"),
    ("You can withdraw your consent at any time in the privacy preferences at the bottom of the page.", "cookie:consent-text"),
    ("Strahlt nach dem Fassanstich: Oberbürgermeister Thomas Keck (links) neben der Bierkönigin", "caption:positional"),
    ("The minister (left) greets the mayor outside the town hall on Monday.", "caption:positional"),
    ("Les deux candidats, de gauche à droite, avant le débat télévisé", "caption:positional"),
    ("V.l.n.r.: Anna Meier, Jonas Schulz und Petra Lang bei der Eröffnung", "caption:positional"),
    ("Above: A cyclist uses a protected bike lane on First Avenue last year.", "caption:positional"),
]
# sentences that share their vocabulary and stay
IN_ARTICLE_PROSE = [
    "The regulator said the company had placed tracking cookies on users' devices without their consent.",
    "Le régulateur reproche au site d'avoir déposé des cookies publicitaires sans le consentement des internautes.",
    "Die Datenschützer werfen dem Konzern vor, Tracking-Cookies ohne Einwilligung der Nutzer gesetzt zu haben.",
    "We baked cookies for the partners of the project, the baker told us with a smile.",
    "The party moved to the left after the election, the minister said.",
    "Il a tourné à gauche au carrefour avant de percuter le mur, selon les gendarmes.",
    "Links und rechts der Straße standen die Zuschauer dicht gedrängt.",
    "Netflix said subscribers would pay more for a premium plan from next month.",
    "Le nombre d'abonnés à l'offre numérique du quotidien a doublé en un an, selon la direction.",
    "Die Zahl der Abonnenten des Digitalangebots stieg im Jahr um ein Drittel, teilte der Verlag mit.",
]


@pytest.mark.parametrize("line,reason", IN_ARTICLE_CHROME)
def test_chrome_named_by_a_detector_is_dropped_inside_the_article(line, reason):
    rec = in_article(line)
    assert (rec.action, rec.reason) == ("drop", reason), rec.reason


@pytest.mark.parametrize("line", IN_ARTICLE_PROSE)
def test_prose_sharing_a_detector_vocabulary_is_kept(line):
    rec = in_article(line)
    assert rec.action == "keep", rec.reason


@pytest.mark.parametrize("line", [
    "J’ai accueilli une femme sans-abri et son bébé parce qu’elle me rappelait ma fille, mais ce que j’ai découvert",
    "Gonflement des chevilles, des pieds et des jambes : quand faut-il s’inquiéter ?",
    "You won't believe what happened next at this tiny village bakery",
    "7 Lebensmittel, die Sie nie im Kühlschrank lagern sollten",
])
def test_clickbait_teaser_after_the_article_is_dropped(line):
    doc = run(["Wage rise", P_EN[0], P_EN[1], P_EN[2], line])[0]
    assert (doc.lines[4].action, doc.lines[4].reason) == ("drop", "teaser:clickbait"), doc.lines[4].reason


def test_clickbait_widget_injected_inside_the_article_is_dropped():
    line = "J’ai accueilli une femme sans-abri et son bébé, mais ce que j’ai découvert"
    doc = run(["Wage rise", P_FR[0], P_FR[1], line, P_FR[0] + " Encore.", P_FR[1] + " Encore."])[0]
    assert (doc.lines[3].action, doc.lines[3].reason) == ("drop", "teaser:clickbait")


def test_clickbait_phrase_inside_the_article_is_kept():
    line = "Here's why the council changed its mind, according to minutes seen by this newspaper."
    doc = run(["Wage rise", P_EN[0], P_EN[1], line, P_EN[2], P_EN[0] + " More.", P_EN[1] + " More."])[0]
    assert doc.lines[3].action == "keep", doc.lines[3].reason


def test_byline_spread_over_lines_is_kept():
    lines = ["Guide de l'été : les meilleurs festivals", P_FR[0], "Écrit par", "Lorraine Grangette", ",",
             "Yves Czerczuk", "et", "Eva Yoro", "Publicité", P_FR[1], P_FR[0] + " Encore."]
    doc = run(lines)[0]
    assert [r.action for r in doc.lines[2:8]] == ["keep"] * 6, [r.reason for r in doc.lines[2:8]]
    assert doc.lines[0].action == "keep" and doc.lines[8].action == "drop"


def test_title_below_a_prompt_that_addresses_the_reader_is_kept():
    # the title sits between chrome lines; the first headline-shaped line is a prompt to the reader
    # and a cut lead and a byline spread over lines keep it far from the first paragraph
    lines = ["Recevez Time Out dans votre boîte mail", "Recherche",
             "Guide de l'été : les meilleurs festivals de musique en France",
             "Notre sélection des meilleurs festivals de musique en dehors de Paris pour l'é",
             "Écrit par", "Lorraine Grangette", ",", "Yves Czerczuk", ",", "Jenny Stampa", "et", "Eva Yoro",
             "Publicité", P_FR[0], P_FR[1]]
    doc = run(lines, cfg=BoilerplateConfig(model=False))[0]
    assert doc.lines[2].action == "keep", doc.lines[2].reason


def test_role_label_above_the_article_is_a_byline():
    doc = run(["Wage rise", "CORRESPONDANT", P_FR[0], P_FR[1], P_FR[0] + " Encore."])[0]
    assert doc.lines[1].action == "keep", doc.lines[1].reason


@pytest.mark.parametrize("line", [
    "Register just once to get unrestricted, real-time coverage of the issues facing the industry.",
    "Jetzt mit Ihrer Registrierung 1 Monat gratis testen und alle Beiträge lesen.",
    "Découvrez l’offre numérique > Abonnez-vous",
    "Schon Abonnent? Melden Sie sich mit Ihren Zugangsdaten an.",
])
def test_paywall_notice_in_any_wording_is_dropped(line):
    doc = run(["Wage rise", P_EN[0], P_EN[1], line, P_EN[2], P_EN[0] + " More.", P_EN[1] + " More."])[0]
    assert doc.lines[3].action == "drop", doc.lines[3].reason


def test_german_sie_counts_as_you_only_when_formal():
    from normalise.boilerplate import _addresses_reader
    assert _addresses_reader("Melden Sie sich mit Ihren Zugangsdaten an".split())
    assert not _addresses_reader("Die Abonnenten sagen, sie zahlen gern".split())
    assert not _addresses_reader("Le nombre d'abonnés du quotidien a doublé".split())


def test_author_label_is_weak():
    # "Rédaction" after the article next to other chrome is an author box; between paragraphs it stays
    doc = run(["Wage rise", P_FR[0], P_FR[1], "Rédaction", P_FR[0] + " Encore.", P_FR[1] + " Encore.", P_FR[0] + " Fin."])[0]
    assert doc.lines[3].action == "keep"
    doc = run(["Wage rise", P_FR[0], P_FR[1], "Partager", "Rédaction", "Journaliste"])[0]
    assert [r.reason for r in doc.lines[4:]] == ["author:label", "author:label"]


def test_weak_single_word_dropped_next_to_chrome():
    doc = run(["Skip to content", "Culture", "Wage rise", P_EN[0], P_EN[1]])[0]
    assert doc.lines[1].action == "drop" and doc.lines[1].reason == "nav:section"


# ---------------------------------------------------------------------------------------------
# credits

CREDITS = [
    ("rm,es/dj (AFP, dpa)", "credit:signature", "rm,es/dj (AFP, dpa)"),
    ("(AFP)", "credit:signature", "(AFP)"),
    ("With AFP", "credit:agency", "With AFP"),
    ("Mit Informationen von dpa.", "credit:agency", "Mit Informationen von dpa"),
    ("Avec AFP", "credit:agency", "Avec AFP"),
    ("mit Material von dpa", "credit:agency", "mit Material von dpa"),
    ("gos, mit DPA", "credit:agency", "gos, mit DPA"),
    ("Image: Souleymane Ag Anara/AFP", "credit:image", "Image: Souleymane Ag Anara/AFP"),
    ("Bild: Imago / Eastnews", "credit:image", "Bild: Imago / Eastnews"),
    ("Photo : Reuters", "credit:image", "Photo : Reuters"),
]


@pytest.mark.parametrize("line,reason,credit", CREDITS)
def test_credit_lines_move_to_metadata(line, reason, credit):
    doc = run([P_EN[0], P_EN[1], line])[0]
    rec = doc.lines[2]
    assert rec.action == "drop" and rec.reason == reason
    assert doc.metadata["credits"] == [credit]


GLUED = [
    ("Thousands of French troops have been deployed since 2014 to fight alongside members of the Mali Armed "
     "ForcesImage: Souleymane Ag Anara/AFP", "Souleymane Ag Anara/AFP"),
    ("Der Hamburger Hafen im Abendlicht. (Foto: dpa)", "dpa"),
    ("Inka Essenhigh, Forever Young (2020). Courtesy of the artist and Miles McEnery Gallery, New York, NY.",
     "Courtesy of the artist and Miles McEnery Gallery, New York, NY"),
    ("Les koalas sont souvent considérés comme mignons. Crédit : Danielle Clode", "Danielle Clode"),
]


GLUED.append(("Il y a désormais 3 millions de cas confirmés dans le monde. (©(AP PHOTO/RODRIGO ABD)",
              "AP PHOTO/RODRIGO ABD"))


# credits without a colon, after the caption's last sentence or a dash, and credits printed first
GLUED += [
    ("NHS nurses at work. Picture by Victoria Jones / PA Wire.", "Picture by Victoria Jones / PA Wire"),
    ("PSA reste le premier employeur du Grand Est. Photo archives Karim SIARI", "Photo archives Karim SIARI"),
    ("Les pompiers ont lutté contre l'incendie avec deux lances - Illustration Adobe Stock", "Illustration Adobe Stock"),
    ("Die Bauern bauen Beregnungsanlagen auf, um gegen die Dürre zu kämpfen. © dpa | Philipp Schulze",
     "dpa | Philipp Schulze"),
    ("(picture alliance / dpa / Hendrik Schmidt)Azubimangel in Kleinstbetrieben",
     "picture alliance / dpa / Hendrik Schmidt"),
    ("Philipp Schulze/dpa Meist unterbesetzt: In vielen Krankenhäusern fehlt Pflegepersonal.", "Philipp Schulze/dpa"),
    ("City of York CouncilImage source, Google", "Image source, Google"),
]


@pytest.mark.parametrize("line,credit", GLUED)
def test_caption_with_glued_credit(line, credit):
    doc = run([P_EN[0], line, P_EN[1], P_EN[2]])[0]
    rec = doc.lines[1]
    assert rec.action == "drop" and rec.reason == "caption:credited"
    assert doc.metadata["credits"] == [credit]


@pytest.mark.parametrize("line", [
    "The minister said: this is not acceptable for us, and we will appeal the ruling.",
    "He looked at the Photo: it showed the whole family at the beach in happier times.",
    "The company thanked its partners. Courtesy of the board, every employee got a bonus.",
    "Source: the ministry of finance said the figures would be revised next month.",
    # a credit label without a colon must be followed by a name, not by what the picture shows
    "He said the photos were released on Monday. Photos show the crowd gathering in the square.",
    "The minister arrived on Monday. Picture this: a country without debt.",
    "Le ministre est arrivé. Photo de famille avec les maires de la région.",
    # a bracket printed first must name an agency to be a credit
    "(Berlin / Brandenburg) Die Landesregierung hat am Montag neue Regeln beschlossen.",
])
def test_prose_with_colons_is_not_a_credit(line):
    doc = run([P_EN[0], line, P_EN[1]])[0]
    assert doc.lines[1].action != "drop"
    assert doc.metadata["credits"] == []


# ---------------------------------------------------------------------------------------------
# teaser blocks

def test_teaser_block_after_marker_is_dropped_until_content():
    doc = run([P_EN[0], P_EN[1], "Check Also", "Why Oilfields Are Opening Now: The Bank Crisis",
               "The crisis began in August, with ongoing efforts by factions to …"])[0]
    assert [r.reason for r in doc.lines[2:]] == ["teaser:marker", "teaser:related", "teaser:related"]


def test_teaser_block_stops_at_next_paragraph_and_its_subhead():
    doc = run([P_EN[0], "Related", "Another story about wages", "Subhead of this article", P_EN[1], P_EN[2]])[0]
    reasons = [(r.action, r.reason) for r in doc.lines]
    assert reasons[1] == ("drop", "teaser:marker")
    assert reasons[2] == ("drop", "teaser:related")
    assert reasons[3][0] == "keep" and doc.lines[3].heading
    assert reasons[4][0] == reasons[5][0] == "keep"


def test_teaser_list_block_ends_with_the_list():
    doc = run([P_DE[0], "Weitere Themen", "- Krebsforscher empfehlen Walnüsse", "- Raupe lebt im Wasser",
               "- Neuer Test hilft Patienten", "Eine außergewöhnliche Entdeckung", P_DE[1]])[0]
    assert [r.action for r in doc.lines] == ["keep", "drop", "drop", "drop", "drop", "keep", "keep"]


def test_marker_before_the_article_drops_only_the_marker():
    doc = run(["More stories", "Painter's Surrealist Scenes Offer a Distraction", P_EN[0], P_EN[1]])[0]
    assert doc.lines[0].action == "drop"
    assert doc.lines[1].action == "keep" and doc.lines[1].heading


# ---------------------------------------------------------------------------------------------
# duplicates

def test_caption_printed_twice_keeps_the_first():
    cap = "A French soldier surveys the surroundings from a helicopter in Gao, April 14, 2022."
    doc = run(["Title of the story here", cap, cap, P_EN[0], P_EN[1]])[0]
    assert doc.lines[1].action == "keep"
    assert doc.lines[2].action == "drop" and doc.lines[2].reason == "duplicate:caption"
    assert doc.lines[2].events[-1]["duplicate_of"] == 2


def test_near_duplicate_caption():
    a = "A l'extrémité de l'anneau F de Saturne, la sonde Cassini a saisi un nouveau satellite."
    b = "A l’extrémité de l’anneau F de Saturne, la sonde Cassini a saisi un nouveau satellite."
    doc = run([P_FR[0], a, b, P_FR[1]])[0]
    assert doc.lines[2].reason == "duplicate:caption"


def test_second_printing_with_a_short_prefix_is_a_duplicate():
    title = "Commuters hit by train disruption despite strikes being called off"
    doc = run([title, P_EN[0], "NOW: " + title, P_EN[1], P_EN[2]])[0]
    assert doc.lines[0].action == "keep"
    assert doc.lines[2].action == "drop" and doc.lines[2].reason.startswith("duplicate:")
    # negative: a paragraph that quotes a shorter line and goes on at length is not a copy of it
    doc = run([title, P_EN[0], title + " on Monday, as operators warned that services would take days to recover.", P_EN[1]])[0]
    assert doc.lines[2].action == "keep"


def test_repeated_paragraph_far_apart():
    para = P_EN[0] + " " + P_EN[1]
    doc = run([para, P_EN[2], "Subhead here", para])[0]
    assert doc.lines[0].action == "keep"
    assert doc.lines[3].action == "drop" and doc.lines[3].reason == "duplicate:paragraph"


def test_short_formulaic_sentence_repeated_under_subheads_is_kept():
    s = "The debate will be held. No decision will be taken."
    doc = run(["Result", s, P_DE[0], "Result of the vote", P_DE[1], "Result", s])[0]
    assert doc.lines[6].action == "keep"


def test_short_repeats_are_not_duplicates():
    doc = run([P_EN[0], "Yes.", P_EN[1], "Yes.", P_EN[2]])[0]
    assert doc.lines[3].action == "keep"


# ---------------------------------------------------------------------------------------------
# cross-document repetition

def _site_doc(i: int, story: list[str]) -> list[str]:
    return ["Skip to content", "Latest from the newsroom", f"Story number {i} headline", *story, "Leave a Comment"]


STORIES = [
    [P_EN[0]], [P_FR[0]], [P_DE[0]], [P_EN[1]], [P_FR[1]], [P_DE[1]],
]


def test_line_repeated_across_documents_is_chrome():
    docs = run(*[_site_doc(i, s) for i, s in enumerate(STORIES[:4])])
    for d in docs:
        assert d.lines[1].action == "drop" and d.lines[1].reason == "repeated-across-docs"
        assert d.lines[2].action == "keep"


def test_names_and_standing_subheads_repeated_on_every_page_of_a_site_are_kept():
    # several pages of one site in one run: the desk's byline and a column's standing subhead
    # recur on each, as do the site's "Source link" and "LATEST STORIES" (chrome)
    docs = run(*[[f"Story number {i} headline", "BBC Sport", "Faits et méfaits", *s, "LATEST STORIES", "Source link"]
                 for i, s in enumerate(STORIES[:4])])
    for d in docs:
        assert d.lines[1].action == "keep", d.lines[1].reason
        assert d.lines[2].action == "keep", d.lines[2].reason
        assert d.lines[-2].action == "drop" and d.lines[-1].action == "drop"


def test_one_word_heading_over_a_list_repeated_on_every_page_is_kept():
    docs = run(*[["Summary", f"• Point one of story {i} today", f"• Point two of story {i} today", *s]
                 for i, s in enumerate(STORIES[:4])])
    assert all(d.lines[0].action == "keep" for d in docs), [d.lines[0].reason for d in docs]


def test_lower_case_template_repeated_across_stories_is_chrome():
    # a line starting in lower case is protected as a sentence in progress, but not when the same
    # line opens three different stories: then it is the site's template ("au sommaire")
    docs = run(*[["au sommaire", f"Story number {i} headline", *s] for i, s in enumerate(STORIES[:4])])
    assert all((d.lines[0].action, d.lines[0].reason) == ("drop", "repeated-across-docs") for d in docs)
    one = run(["au sommaire", "Story number 1 headline", *STORIES[0]])[0]
    assert one.lines[0].action == "keep"


def test_below_threshold_is_kept():
    docs = run(*[_site_doc(i, s) for i, s in enumerate(STORIES[:2])])
    assert all(d.lines[1].reason != "repeated-across-docs" for d in docs)


def test_quote_in_wire_copies_is_not_chrome():
    quote = "\"For some time now, the government notes with regret a profound deterioration,\" he said."
    docs = run(*[[f"Headline {i} about the story", s[0], quote] for i, s in enumerate(STORIES)])
    assert all(d.lines[2].action == "keep" for d in docs)


def test_short_quote_shared_by_three_statements_is_kept():
    docs = run(*[[f"Statement number {i} on the day", s[0], "\"Lest we forget.\""] for i, s in enumerate(STORIES[:4])])
    assert all(d.lines[2].action == "keep" for d in docs)


def test_copies_of_one_story_count_once():
    story = ["Mali breaks off defence accords with France", P_EN[0], P_EN[1], P_EN[2]]
    docs = run(story, list(story), list(story), list(story))
    assert all(r.action == "keep" for d in docs for r in d.lines)
    assert cross_doc_counts(docs, BoilerplateConfig())[
        "mali breaks off defence accords with france"] == 1


# ---------------------------------------------------------------------------------------------
# context, menus, protection, headings

def test_footer_block_after_the_article():
    doc = run([P_EN[0], P_EN[1], "With AFP", "How to continue to inform you about our sites.",
               "© Graphic Studio", "The summary of the", "Week invites you to come back to the news that marked the week",
               "I subscribe", "Download the France 24 app"])[0]
    assert doc.lines[0].action == doc.lines[1].action == "keep"
    assert all(r.action == "drop" for r in doc.lines[2:]), [(r.text, r.reason) for r in doc.lines]


def test_menu_run():
    doc = run(["Home", "World", "Business", "Politics Today", "Science", "Wage rise", P_EN[0], P_EN[1]])[0]
    assert all(r.action == "drop" for r in doc.lines[:5])
    assert doc.lines[5].action == "keep" and doc.lines[5].heading


def test_datelines_and_bylines_are_kept():
    doc = run(["Skip to content", "Wages to rise", "May 3, 2022", "By Jane Doe", "Share", P_EN[0], P_EN[1]])[0]
    assert [r.action for r in doc.lines] == ["drop", "keep", "keep", "keep", "drop", "keep", "keep"]
    assert doc.lines[1].heading and not doc.lines[2].heading


def test_mt_fragment_lines_are_not_dropped():
    doc = run([
        P_EN[0],
        "the authorities announced that they were denouncing the Status of Force Agreements (",
        "Status of Force Agreements",
        ', called "Sofa") setting the framework of the presence of the French forces.',
        P_EN[1],
    ])[0]
    assert all(r.action == "keep" for r in doc.lines)
    assert not doc.lines[2].heading


def test_headings_marked_and_empty_lines_dropped():
    doc = run(["Wages to rise in January", "", P_EN[0], "", "What the unions say", P_EN[1]])[0]
    assert doc.lines[0].heading and doc.lines[4].heading
    assert not doc.lines[2].heading
    assert doc.lines[1].action == "drop" and doc.lines[1].reason == "empty"


def test_a_document_of_short_lines_is_not_emptied():
    doc = run(["Roses are red", "Violets are blue", "Sugar is sweet", "And so are you"])[0]
    assert any(r.action == "keep" for r in doc.lines)


def test_quarantined_documents_are_skipped():
    doc = Document.from_text("q", "Skip to content\n")
    doc.status = "quarantined"
    classify_documents([doc])
    assert doc.lines[0].action == "keep"


def test_reasons_are_family_detail_strings():
    docs = run(["Skip to content", "", "ConflictsMali", "Title here", P_EN[0], "Check Also", "Other story", "(AFP)"])
    for r in docs[0].lines:
        if r.action == "drop":
            assert r.reason == "empty" or r.reason == "repeated-across-docs" or ":" in r.reason
        assert r.events == [] or r.events[-1]["stage"] == "boilerplate"


# ---------------------------------------------------------------------------------------------
# properties

line_text = st.one_of(
    st.text(max_size=120),
    st.sampled_from([c[0] for c in CHROME] + [p[0] for p in PROSE] + P_EN + P_FR + P_DE + ["", " ", "(", "—"]),
)


@given(st.lists(st.lists(line_text, max_size=25), min_size=1, max_size=5))
@settings(max_examples=150, deadline=None)
def test_never_crashes_and_every_line_keeps_one_record(docs_lines):
    docs = [Document.from_text(f"d{i}", "\n".join(ls)) for i, ls in enumerate(docs_lines)]
    before = [[(r.line, r.text) for r in d.lines] for d in docs]
    classify_documents(docs, BoilerplateConfig())
    for d, b in zip(docs, before):
        assert [(r.line, r.text) for r in d.lines] == b  # one record per input line, in order
        for r in d.lines:
            assert r.action in ("keep", "drop")
            if r.action == "drop":
                assert r.reason and len(r.events) == 1
            if not r.current.strip():
                assert r.action == "drop" and r.reason == "empty"
        assert isinstance(d.metadata.get("credits"), list)


@given(st.lists(line_text, max_size=25))
@settings(max_examples=60, deadline=None)
def test_classification_is_deterministic(lines):
    a = run(lines)[0]
    b = run(lines)[0]
    assert [(r.action, r.reason, r.heading) for r in a.lines] == [(r.action, r.reason, r.heading) for r in b.lines]


def test_rerun_does_not_double_credits_or_change_decisions():
    doc = run([P_EN[0], "Image: Jane Doe/AFP", P_EN[1], "(AFP)"])[0]
    first = [(r.action, r.reason) for r in doc.lines]
    classify_documents([doc])
    assert [(r.action, r.reason) for r in doc.lines] == first
    assert doc.metadata["credits"] == ["Image: Jane Doe/AFP", "(AFP)"]


def test_short_list_inside_the_article_is_kept():
    doc = run([P_EN[0], "The plan includes:", "- Higher wages", "- Shorter weeks", "- Free transport", P_EN[1], P_EN[2]])[0]
    assert all(r.action == "keep" for r in doc.lines)


def test_last_short_sentence_between_caption_and_share_bar_is_kept():
    doc = run([P_EN[0], P_EN[1], "Workers at a factory in the north. Image: Jane Doe/AFP", "He denied the charges.", "Share"])[0]
    assert doc.lines[3].action == "keep"


READER_PROMPTS = [
    "If you are currently a print subscriber but don't have an online account, select this option to register.",
    "France Télévisions utilise votre adresse e-mail afin de vous envoyer la newsletter et vos notifications.",
    "Besuchen Sie unsere Website mit Werbung und Werbetracking wie gewohnt, oder lesen Sie ohne Tracking.",
]


@pytest.mark.parametrize("line", READER_PROMPTS)
def test_reader_prompt_outside_the_article_is_dropped(line):
    doc = run([line, "Wages to rise in January", P_EN[0], P_EN[1]])[0]
    # the newsletter notice is also named by a rule (subscribe:newsletter) and the paywall notice by
    # the paywall vocabulary (subscribe:paywall-text), which fire first
    assert doc.lines[0].action == "drop" and doc.lines[0].reason in (
        "prompt:reader", "subscribe:newsletter", "subscribe:paywall-text")


def test_reader_address_inside_the_article_is_kept():
    review = ("In the new version you can download the app, create an account and choose a newspaper "
              "from a list or a map, which the developers say has tripled the number of users.")
    doc = run(["App review: newspapers on a map", P_EN[0], review, P_EN[1]])[0]
    assert doc.lines[2].action == "keep"


def test_title_at_the_top_followed_by_chrome_is_kept():
    doc = run(["Hidden waiting lists worry patients", "Share", "Image: Jane Doe/AFP", "Read also: other story",
               "Advertisement", "Comments", P_EN[0] + " " + P_EN[1] + " " + P_EN[2]])[0]
    assert doc.lines[0].action == "keep"
    assert BoilerplateConfig().top_edge_neutral


def test_short_line_at_the_end_after_chrome_is_dropped():
    doc = run([P_EN[0], P_EN[1], "Share", "Our network of sites"])[0]
    assert doc.lines[3].action == "drop" and doc.lines[3].reason == "context:chrome-block"


# --------------------------------------------------------------------------------------------
# the chrome model (features, the shipped weights, its guards)

from normalise.boilerplate import ChromeModel, chrome_features, load_chrome_model, load_model_words  # noqa: E402
import normalise.boilerplate as bpmod  # noqa: E402


def line_features(line: str, before: list[str] = P_EN, after: list[str] = ()) -> dict[str, float]:
    """Features of ``line`` placed after ``before`` and before ``after`` (rules and context ran)."""
    doc = Document.from_text("f", "\n".join([*before, line, *after]) + "\n")
    rows = bpmod.collect_model_rows([doc])["f"]
    return {r[0]: r[1] for r in rows}[len(before) + 1]


# (line, feature, expected value): each feature fires where it should and not on look-alikes
FEATURES = [
    ("Subscribe to our newsletter and get the best stories in your inbox.", "imperative", 1.0),
    ("Abonnez-vous à notre newsletter pour recevoir vos alertes.", "imperative", 1.0),
    ("Akzeptieren Sie die Cookies in den Datenschutzeinstellungen.", "imperative", 1.0),
    ("Please download the app to keep reading.", "imperative", 1.0),
    ("Partager le pouvoir avec les civils", "imperative", 0.0),  # infinitive, not an order
    ("The minister subscribed to the plan.", "imperative", 0.0),
    ("Akzeptieren Sie die Cookies in den Datenschutzeinstellungen.", "iface_2", 1.0),  # prefix match
    ("Nous utilisons des traceurs et vos données avec nos partenaires.", "iface_3", 1.0),
    ("The army said the convoy was attacked near the border on Monday.", "iface_1", 0.0),
    ("Abonnez-vous à notre newsletter pour recevoir vos alertes.", "you", 1.0),
    ("Melden Sie sich für unseren Newsletter an und verpassen Sie nichts.", "you", 1.0),
    ("The army said the convoy was attacked near the border on Monday.", "you", 0.0),
    ("You can't negotiate with terrorists, the minister said.", "report", 1.0),
    ("Vous devez comprendre que la guerre est finie, a-t-il déclaré.", "report", 1.0),
    ("Sie müssen verstehen, dass der Krieg vorbei ist, sagte der Minister.", "report", 1.0),
    ("Sign up to receive our weekly newsletter.", "report", 0.0),
    ("Спасибо за ваш комментарий, он будет опубликован после проверки.", "foreign_script", 1.0),
    ("Merci pour votre commentaire, il sera publié après vérification.", "foreign_script", 0.0),
    ("Five things to watch in the markets this week", "headline", 1.0),
    ("The army said the convoy was attacked near the border on Monday.", "headline", 0.0),
    ("Sign up to receive our weekly newsletter.", "after_body", 1.0),
]


@pytest.mark.parametrize("line,feature,expected", FEATURES)
def test_chrome_feature(line, feature, expected):
    assert line_features(line)[feature] == pytest.approx(expected), (line, feature)


def test_feature_position_inside_and_after_the_body():
    f = line_features("A line in the middle", P_EN[:2], P_DE[:1])
    assert f["after_body"] == 0.0 and f["before_body"] == 0.0
    g = line_features("A line at the end")
    assert g["after_body"] == 1.0


def test_model_words_prefixes_and_exact_words():
    mw = load_model_words()
    assert mw.has("iface", "datenschutzerklärung") and mw.has("iface", "cookies")
    assert mw.has("iface", "newsletters") and not mw.has("iface", "minister")
    assert mw.has("report", "déclaré") and not mw.has("report", "subscribe")


def test_shipped_model_records_its_training():
    model = load_chrome_model()
    assert model is not None, "normalise/data/boilerplate/chrome_model.json is missing"
    assert 0.5 <= model.threshold < 1.0
    assert "train_boilerplate.py" in model.meta["command"]
    assert len(model.meta["dev_sha256"]) == 64
    # leave-sites-out CV on dev: the model loses no content line and does not lower drop precision
    # (the target 0.97, or what the rules alone reach when they are below it)
    cv, off = model.meta["cv"], model.meta["model_off"]
    assert cv["model_lost"] == 0 and cv["drop_p"] >= min(0.97, off["drop_p"]) and cv["keep_f1"] >= off["keep_f1"]
    assert model.dense["iface_share"] > 0 and model.dense["report"] < 0


def test_model_score_is_a_probability_and_monotone_in_its_weights():
    m = ChromeModel(dense={"bias": -1.0, "you": 2.0}, tokens={}, threshold=0.5, meta={})
    assert m.score({"bias": 1.0, "you": 0.0}) < 0.5 < m.score({"bias": 1.0, "you": 1.0})
    assert m.score({"bias": 1.0, "_iface_n": 50.0}) == m.score({"bias": 1.0})  # "_" features are not inputs


def place(line: str, where: str, paras: list[str]) -> tuple[list[str], int]:
    """An article with ``line`` after it (end), inside it (mid) or above its title (top)."""
    title = "Minimum wage to rise in January"
    if where == "end":
        return [title, *paras, line], len(paras) + 1
    if where == "mid":
        return [title, paras[0], line, *paras[1:]], 2
    return [line, title, *paras], 0


# long chrome that reads like prose and that no rule names: the model drops it outside the body
# The shipped threshold is chosen by the trainer's leave-sites-out CV (tested below through the
# model's metadata), and moves with every retraining; these tests hold the threshold at 0.5 so they
# test what the weights learned (such lines score high) and where the model may act.
MODEL_CHROME = [
    ("Listen to our podcast on your favourite app every Friday.", P_EN),
    ("Watch our evening bulletin live on TV and stream it on the app.", P_EN),
    ("Recevez chaque matin notre newsletter gratuite dans votre boîte mail.", P_FR),
]
# the same kind of chrome that the model alone may score below its threshold: rules name it
RULE_PROSE_CHROME = [
    ("Téléchargez notre application pour suivre l'actualité en direct.", P_FR, "app:download"),
    ("Um diesen Inhalt zu sehen, müssen Sie der Datenschutzerklärung zustimmen.", P_DE, "cookie:consent-wall"),
]


@pytest.mark.parametrize("line,paras,reason", RULE_PROSE_CHROME)
@pytest.mark.parametrize("where", ["end", "top", "mid"])
def test_prose_like_chrome_named_by_rules_is_dropped_anywhere(line, paras, reason, where):
    lines, k = place(line, where, paras)
    rec = run(lines)[0].lines[k]
    assert (rec.action, rec.reason) == ("drop", reason), line


@pytest.mark.parametrize("line,paras", MODEL_CHROME)
@pytest.mark.parametrize("where", ["end", "top"])
def test_model_drops_prose_like_chrome_outside_the_body(line, paras, where):
    lines, k = place(line, where, paras)
    rec = run(lines, cfg=BoilerplateConfig(model_threshold=0.5))[0].lines[k]
    assert (rec.action, rec.reason) == ("drop", "stat:chrome-model"), line
    assert rec.events[-1]["score"] >= 0.5


@pytest.mark.parametrize("line,paras", MODEL_CHROME)
def test_model_never_drops_inside_the_body(line, paras):
    lines, k = place(line, "mid", paras)
    assert run(lines)[0].lines[k].action == "keep"
    # not even at threshold 0: a line between two full paragraphs is not the model's to decide
    assert run(lines, cfg=BoilerplateConfig(model_threshold=0.0))[0].lines[k].action == "keep"


# real sentences that look like chrome, at the end of an article, above it and inside it
MODEL_PROSE = [
    ("Subscribe to the idea that sanctions work", P_EN),
    ("Subscribe to the idea that sanctions work and you will be disappointed by the results.", P_EN),
    ("Partager le pouvoir avec les civils", P_FR),
    ("You can't negotiate with terrorists, the minister said.", P_EN),
    ("Vous devez comprendre que la guerre est finie, a-t-il déclaré.", P_FR),
    ("Sie müssen verstehen, dass der Krieg vorbei ist, sagte der Minister.", P_DE),
    ("Share prices fell sharply after the announcement on Monday.", P_EN),
    ("Les abonnés du réseau ont vu leur facture augmenter de 12 % en un an.", P_FR),
]


@pytest.mark.parametrize("line,paras", MODEL_PROSE)
@pytest.mark.parametrize("where", ["end", "mid", "top"])
def test_model_keeps_prose_that_looks_like_chrome(line, paras, where):
    lines, k = place(line, where, paras)
    rec = run(lines)[0].lines[k]
    assert rec.action == "keep", (where, rec.reason, rec.events)


def test_model_off_missing_weights_and_threshold_override(tmp_path):
    line = MODEL_CHROME[0][0]
    lines, k = place(line, "end", P_EN)
    assert run(lines, cfg=BoilerplateConfig(model=False))[0].lines[k].action == "keep"
    assert run(lines, cfg=BoilerplateConfig(model_threshold=1.01))[0].lines[k].action == "keep"
    missing = str(tmp_path / "none.json")
    assert run(lines, cfg=BoilerplateConfig(model_path=missing))[0].lines[k].action == "keep"


def test_model_never_drops_titles_datelines_or_fragments():
    cfg = BoilerplateConfig(model_threshold=0.0)  # the model would drop everything it may decide
    doc = run(["Minimum wage to rise in January", "By Jane Doe", "May 3, 2022", *P_EN,
               "and the unions said it was a start"], cfg=cfg)[0]
    kept = [r.text for r in doc.lines if r.action == "keep"]
    assert "Minimum wage to rise in January" in kept
    assert "By Jane Doe" in kept and "May 3, 2022" in kept
    assert "and the unions said it was a start" in kept


def test_collect_model_rows_has_one_row_per_nonempty_line_and_drops_nothing_new():
    lines = [*P_EN, "", "Watch our evening bulletin live on TV and stream it on the app."]
    doc = Document.from_text("c", "\n".join(lines) + "\n")
    rows = bpmod.collect_model_rows([doc])["c"]
    assert [r[0] for r in rows] == [1, 2, 3, 5]
    assert doc.lines[4].action == "keep"  # collecting runs with the model off
    assert rows[-1][2] is True  # and the line is a model candidate
