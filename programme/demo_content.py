"""Content of the demo edition loaded by `manage.py load_demo`, modelled on SCCON 2019.

A data module: the venue, the tracks, the speakers, the session texts and the grid of slots per
stage and day. Days are counted from 0 (the first day of the edition), times are Berlin wall-clock
times. The people are invented; the public bodies are real, the companies and start-ups are not.
The command in `programme/management/commands/load_demo.py` turns this into database rows.
"""

from typing import Any

from django.utils.text import slugify

# --- the edition --------------------------------------------------------------------------

EVENT: dict[str, str] = {
    "name_de": "Smart Country Convention {year}",
    "name_en": "Smart Country Convention {year}",
    "tagline_de": "Kongress, Messe und Workshops für die Digitalisierung von Städten, Regionen und Verwaltung",
    "tagline_en": "Congress, trade fair and workshops for digital cities, regions and public administration",
    "description_de": (
        "Die Smart Country Convention (SCCON) ist Kongress, Fachmesse und Workshop-Plattform für die "
        "digitale Transformation von Städten, Regionen und öffentlicher Verwaltung. Veranstaltet vom "
        "Digitalverband Bitkom gemeinsam mit der Messe Berlin, bringt sie Bürgermeisterinnen und "
        "Bürgermeister, Chief Digital Officers, Beschäftigte aus Bund, Ländern und Kommunen, kommunale "
        "Unternehmen, Wirtschaft, Start-ups und Wissenschaft im CityCube Berlin zusammen.\n\n"
        "Drei Tage, vier Bühnen, Workshops mit begrenzter Platzzahl, Start-up-Pitches, ein "
        "Open-Data-Hackathon, ein Karrieretag und ein Abendempfang. Partnerland ist Litauen: Gäste aus "
        "Vilnius und Kaunas zeigen, wie ein kleines Land seine Verwaltung konsequent digital aufgestellt hat."
    ),
    "description_en": (
        "The Smart Country Convention (SCCON) is the congress, trade fair and workshop platform for the "
        "digital transformation of cities, regions and public administration. Organised by the digital "
        "association Bitkom together with Messe Berlin, it brings mayors, chief digital officers, staff of "
        "federal, state and municipal administrations, municipal companies, industry, start-ups and "
        "academia together at CityCube Berlin.\n\n"
        "Three days, four stages, workshops with limited seats, start-up pitches, an open data hackathon, "
        "a career day and an evening reception. The partner country is Lithuania: guests from Vilnius and "
        "Kaunas show how a small country has made its administration thoroughly digital."
    ),
    "website": "https://www.smartcountry.berlin/",
    "primary_colour": "#004b87",
}

RELEASES: list[dict[str, str]] = [
    {
        "version": "1.0",
        "comment_de": (
            "Erste Veröffentlichung des vollständigen Programms: vier Bühnen, Workshops, Start-up-Pitches, "
            "Hackathon, Karrieretag und Abendempfang."
        ),
        "comment_en": (
            "First publication of the full programme: four stages, workshops, start-up pitches, hackathon, "
            "career day and evening reception."
        ),
    },
    {
        "version": "1.1",
        "comment_de": (
            "Aktualisierung: einige Beiträge zeitlich oder räumlich verlegt, zwei Beiträge abgesagt, "
            "drei neue Beiträge ergänzt."
        ),
        "comment_en": (
            "Update: a few sessions moved to another time or room, two sessions cancelled, three new sessions added."
        ),
    },
]

# --- the venue ----------------------------------------------------------------------------

VENUE: dict[str, Any] = {
    "name": "CityCube Berlin",
    "street": "Messedamm 26",
    "postcode": "14055",
    "city": "Berlin",
    "country": "DE",
    "website": "https://www.citycube-berlin.de/",
    "directions_de": (
        "S-Bahn: S3 und S9 bis Messe Süd (Eichkamp), dann fünf Minuten zu Fuß zum Eingang Messedamm. "
        "U-Bahn: U2 bis Kaiserdamm. Bus: M49, X34 und X49 bis Messedamm/ZOB. Die Bahnhöfe Messe Süd und "
        "Kaiserdamm sind mit Aufzügen stufenlos erreichbar. Parkplätze im Parkhaus am Messedamm."
    ),
    "directions_en": (
        "S-Bahn: S3 and S9 to Messe Süd (Eichkamp), then a five-minute walk to the Messedamm entrance. "
        "U-Bahn: U2 to Kaiserdamm. Bus: M49, X34 and X49 to Messedamm/ZOB. Messe Süd and Kaiserdamm "
        "stations have lifts for step-free access. Parking in the multi-storey car park on Messedamm."
    ),
    "opens_at": "09:00",
    "closes_at": "18:00",
}

# Per day of the edition: (opens, closes).
OPENING_HOURS: list[tuple[str, str]] = [("09:00", "18:00"), ("09:00", "18:00"), ("09:00", "17:00")]

HALLS: list[dict[str, Any]] = [
    {
        "name": "Halle A",
        "level": 1,
        "description_de": (
            "Ebene 1, teilbar in die Säle A1 bis A8. Hier liegen die Bühnen Smart City (A1–A2), "
            "Smart Region (A4–A5) und eGovernment (A7–A8)."
        ),
        "description_en": (
            "Level 1, divisible into halls A1 to A8. Home of the Smart City (A1–A2), Smart Region (A4–A5) "
            "and eGovernment (A7–A8) stages."
        ),
    },
    {
        "name": "Halle B",
        "level": 3,
        "description_de": "Ebene 3, stützenfreie Halle für bis zu 5.000 Personen: Ausstellung und Hauptbühne.",
        "description_en": "Level 3, a column-free hall for up to 5,000 people: the exhibition and the main stage.",
    },
]

_STAGE_ACCESS_DE = (
    "Stufenloser Zugang über die Aufzüge im Foyer; Rollstuhlplätze in der ersten Reihe; induktive Höranlage; "
    "Live-Untertitel auf der Leinwand."
)
_STAGE_ACCESS_EN = (
    "Step-free access via the lifts in the foyer; wheelchair spaces in the front row; induction loop; "
    "live captions on the screen."
)

# `key` names the room in the grids below; it is not stored.
ROOMS: list[dict[str, Any]] = [
    {
        "key": "main",
        "hall": "Halle B",
        "name_de": "Hauptbühne",
        "name_en": "Main Stage",
        "level": 3,
        "capacity": 1500,
        "accessibility_notes_de": _STAGE_ACCESS_DE + " Gebärdensprachdolmetschung bei allen Keynotes.",
        "accessibility_notes_en": _STAGE_ACCESS_EN + " Sign language interpretation for every keynote.",
    },
    {
        "key": "smart-city",
        "hall": "Halle A",
        "name_de": "Bühne Smart City",
        "name_en": "Smart City Stage",
        "level": 1,
        "capacity": 600,
        "accessibility_notes_de": _STAGE_ACCESS_DE,
        "accessibility_notes_en": _STAGE_ACCESS_EN,
    },
    {
        "key": "smart-region",
        "hall": "Halle A",
        "name_de": "Bühne Smart Region",
        "name_en": "Smart Region Stage",
        "level": 1,
        "capacity": 500,
        "accessibility_notes_de": _STAGE_ACCESS_DE,
        "accessibility_notes_en": _STAGE_ACCESS_EN,
    },
    {
        "key": "egovernment",
        "hall": "Halle A",
        "name_de": "Bühne eGovernment",
        "name_en": "eGovernment Stage",
        "level": 1,
        "capacity": 500,
        "accessibility_notes_de": _STAGE_ACCESS_DE,
        "accessibility_notes_en": _STAGE_ACCESS_EN,
    },
]

_WORKSHOP_CAPACITIES = [120, 100, 80, 60, 60, 40, 30, 30]
for _number, _capacity in enumerate(_WORKSHOP_CAPACITIES, start=1):
    _upper = _number <= 4
    ROOMS.append(
        {
            "key": f"M{_number}",
            "hall": None,
            "name_de": f"Workshopraum M{_number}",
            "name_en": f"Workshop room M{_number}",
            "kind": "workshop",
            "level": 0 if _upper else -1,
            "capacity": _capacity,
            "accessibility_notes_de": (
                "Stufenloser Zugang vom Foyer im Erdgeschoss; mobile induktive Höranlage am Infostand erhältlich."
                if _upper
                else "Stufenlos über die Aufzüge A und B im Untergeschoss erreichbar; mobile induktive Höranlage "
                "am Infostand erhältlich; barrierefreie Toiletten neben dem Raum."
            ),
            "accessibility_notes_en": (
                "Step-free access from the ground-floor foyer; a portable induction loop is available at the "
                "information desk."
                if _upper
                else "Step-free access via lifts A and B to the lower level; a portable induction loop is available "
                "at the information desk; accessible toilets next to the room."
            ),
        }
    )

# --- tracks (dark colours: white text on them meets WCAG AA) ------------------------------

TRACKS: list[dict[str, str]] = [
    {
        "slug": "smart-city",
        "name_de": "Smart City",
        "name_en": "Smart City",
        "colour": "#0b5394",
        "description_de": "Urbane Datenplattformen, digitale Zwillinge, Sensorik und Bürgerbeteiligung in der Stadt.",
        "description_en": "Urban data platforms, digital twins, sensors and citizen participation in the city.",
    },
    {
        "slug": "smart-region",
        "name_de": "Smart Region",
        "name_en": "Smart Region",
        "colour": "#1e6b30",
        "description_de": "Digitale Daseinsvorsorge, Breitband und neue Arbeitsorte im ländlichen Raum.",
        "description_en": "Digital public services, broadband and new places to work in rural areas.",
    },
    {
        "slug": "egovernment",
        "name_de": "Digitale Verwaltung",
        "name_en": "eGovernment",
        "colour": "#5b2a86",
        "description_de": "OZG-Umsetzung, Registermodernisierung, E-Akte und KI in der Verwaltung.",
        "description_en": "The Online Access Act, register modernisation, e-files and AI in public administration.",
    },
    {
        "slug": "digital-sovereignty",
        "name_de": "Digitale Souveränität",
        "name_en": "Digital Sovereignty",
        "colour": "#00616b",
        "description_de": "Cloud, Open Source und die Unabhängigkeit des Staates von einzelnen Anbietern.",
        "description_en": "Cloud, open source and the state's independence from single vendors.",
    },
    {
        "slug": "mobility",
        "name_de": "Mobilität",
        "name_en": "Mobility",
        "colour": "#8a4b00",
        "description_de": "Vernetzte, geteilte und emissionsfreie Mobilität in Stadt und Land.",
        "description_en": "Connected, shared and zero-emission mobility in town and country.",
    },
    {
        "slug": "security",
        "name_de": "Sicherheit",
        "name_en": "Security",
        "colour": "#a01c2c",
        "description_de": "Cybersicherheit für Kommunen, Informationssicherheit und Krisenmanagement.",
        "description_en": "Cyber security for municipalities, information security and crisis management.",
    },
]

# --- speakers -----------------------------------------------------------------------------
# Each speaker: name, organisation, position_de, position_en, bio_de, bio_en, and for the
# planner `category` (leader, expert, moderator, founder) and `tags` (e.g. "lt" for guests from
# the partner country, "intl" for other international guests, a start-up's name for its founder).

_FIRST_NAMES: list[tuple[str, str]] = [
    ("Anna", "f"),
    ("Jens", "m"),
    ("Katrin", "f"),
    ("Stefan", "m"),
    ("Miriam", "f"),
    ("Thomas", "m"),
    ("Sabine", "f"),
    ("Markus", "m"),
    ("Julia", "f"),
    ("Andreas", "m"),
    ("Claudia", "f"),
    ("Tobias", "m"),
    ("Nicole", "f"),
    ("Christian", "m"),
    ("Petra", "f"),
    ("Daniel", "m"),
    ("Sandra", "f"),
    ("Matthias", "m"),
    ("Franziska", "f"),
    ("Michael", "m"),
    ("Birgit", "f"),
    ("Florian", "m"),
    ("Ute", "f"),
    ("Sebastian", "m"),
    ("Carolin", "f"),
    ("Jan", "m"),
    ("Heike", "f"),
    ("Martin", "m"),
    ("Lena", "f"),
    ("Frank", "m"),
    ("Silke", "f"),
    ("Dirk", "m"),
    ("Johanna", "f"),
    ("Holger", "m"),
    ("Anke", "f"),
    ("Kai", "m"),
    ("Simone", "f"),
    ("Ralf", "m"),
    ("Nadine", "f"),
    ("Benjamin", "m"),
]

_LAST_NAMES: list[str] = [
    "Albrecht",
    "Bergmann",
    "Brandt",
    "Dietrich",
    "Engel",
    "Fischer",
    "Friedrich",
    "Graf",
    "Günther",
    "Hartmann",
    "Heinrich",
    "Hoffmann",
    "Jansen",
    "Kaiser",
    "Keller",
    "Köhler",
    "Krämer",
    "Krüger",
    "Kuhn",
    "Lange",
    "Lehmann",
    "Lorenz",
    "Ludwig",
    "Maier",
    "Martens",
    "Möller",
    "Neumann",
    "Otto",
    "Peters",
    "Pohl",
    "Richter",
    "Roth",
    "Schäfer",
    "Schmitt",
    "Schröder",
    "Schulze",
    "Schwarz",
    "Seidel",
    "Sommer",
    "Stein",
    "Thiele",
    "Vogel",
    "Voigt",
    "Wagner",
    "Walter",
    "Weber",
    "Winkler",
    "Wolff",
    "Zimmermann",
    "Ziegler",
]

# (organisation, position male, position female, position English)
_LEADER_ROLES: list[tuple[str, str, str, str]] = [
    ("Bundesministerium des Innern, für Bau und Heimat", "Staatssekretär", "Staatssekretärin", "State Secretary"),
    (
        "Bundesministerium des Innern, für Bau und Heimat",
        "Abteilungsleiter Digitale Verwaltung",
        "Abteilungsleiterin Digitale Verwaltung",
        "Director-General for Digital Administration",
    ),
    (
        "Bundesministerium für Verkehr und digitale Infrastruktur",
        "Abteilungsleiter Digitale Gesellschaft",
        "Abteilungsleiterin Digitale Gesellschaft",
        "Director-General for the Digital Society",
    ),
    (
        "Bundesministerium für Wirtschaft und Energie",
        "Unterabteilungsleiter Digitalpolitik",
        "Unterabteilungsleiterin Digitalpolitik",
        "Deputy Director-General for Digital Policy",
    ),
    ("Bayerisches Staatsministerium für Digitales", "Amtschef", "Amtschefin", "Head of Office"),
    (
        "Senatsverwaltung für Inneres und Sport Berlin",
        "Staatssekretär für Informations- und Kommunikationstechnik",
        "Staatssekretärin für Informations- und Kommunikationstechnik",
        "State Secretary for Information and Communication Technology",
    ),
    ("Ministerium des Innern des Landes Nordrhein-Westfalen", "CIO des Landes", "CIO des Landes", "State CIO"),
    (
        "Hessisches Ministerium für Digitale Strategie und Entwicklung",
        "Staatssekretär",
        "Staatssekretärin",
        "State Secretary",
    ),
    (
        "Freie und Hansestadt Hamburg, Senatskanzlei",
        "Chief Digital Officer",
        "Chief Digital Officer",
        "Chief Digital Officer",
    ),
    ("Stadt Ulm", "Oberbürgermeister", "Oberbürgermeisterin", "Lord Mayor"),
    ("Wissenschaftsstadt Darmstadt", "Oberbürgermeister", "Oberbürgermeisterin", "Lord Mayor"),
    (
        "Stadt Wolfsburg",
        "Stadtrat für Digitalisierung",
        "Stadträtin für Digitalisierung",
        "City Councillor for Digitalisation",
    ),
    ("Landeshauptstadt München", "Chief Digital Officer", "Chief Digital Officer", "Chief Digital Officer"),
    (
        "Stadt Köln",
        "Beigeordneter für Digitalisierung",
        "Beigeordnete für Digitalisierung",
        "Deputy Mayor for Digitalisation",
    ),
    ("Landkreis Wunsiedel im Fichtelgebirge", "Landrat", "Landrätin", "District Administrator"),
    ("Kreis Höxter", "Landrat", "Landrätin", "District Administrator"),
    ("Deutscher Städtetag", "Beigeordneter", "Beigeordnete", "Deputy Executive Director"),
    ("Deutscher Landkreistag", "Beigeordneter", "Beigeordnete", "Deputy Executive Director"),
    ("Bitkom e. V.", "Mitglied des Präsidiums", "Mitglied des Präsidiums", "Member of the Executive Board"),
    ("Dataport AöR", "Vorstand", "Vorständin", "Member of the Management Board"),
    ("Bundesamt für Sicherheit in der Informationstechnik", "Vizepräsident", "Vizepräsidentin", "Vice President"),
    ("Nordlicht IT AG", "Vorstandsvorsitzender", "Vorstandsvorsitzende", "Chief Executive Officer"),
]

_EXPERT_ORGS: list[tuple[str, str]] = [
    ("Stadt Gelsenkirchen", "city"),
    ("Bundesverwaltungsamt", "federal"),
    ("Stadtwerke München", "utility"),
    ("Civitas Cloud AG", "company"),
    ("Fraunhofer FOKUS", "research"),
    ("Stadt Leipzig", "city"),
    ("Landkreis Görlitz", "district"),
    ("Informationstechnikzentrum Bund (ITZBund)", "federal"),
    ("Berliner Verkehrsbetriebe (BVG)", "utility"),
    ("Datenhafen GmbH", "company"),
    ("Universität Potsdam", "research"),
    ("Stadt Kaiserslautern", "city"),
    ("Sächsische Staatskanzlei", "state"),
    ("ITDZ Berlin", "utility"),
    ("UrbanSense GmbH", "company"),
    ("Hochschule Harz", "research"),
    ("Stadt Paderborn", "city"),
    ("Landkreis Cochem-Zell", "district"),
    ("Ministerium für Inneres, ländliche Räume und Integration Schleswig-Holstein", "state"),
    ("Stadtwerke Osnabrück", "utility"),
    ("Kommunalwerk Digital GmbH", "company"),
    ("Deutsche Universität für Verwaltungswissenschaften Speyer", "research"),
    ("Stadt Bamberg", "city"),
    ("Vogelsbergkreis", "district"),
    ("Landesamt für Geoinformation und Landesvermessung Niedersachsen", "state"),
    ("AKDB", "utility"),
    ("Geodata Systems GmbH", "company"),
    ("Technische Universität Kaiserslautern", "research"),
    ("Stadt Solingen", "city"),
    ("Landkreis Oberallgäu", "district"),
    ("Bundesministerium des Innern, für Bau und Heimat", "federal"),
    ("Komm.ONE", "utility"),
    ("Schutzwall Security GmbH", "company"),
    ("Stadt Heidelberg", "city"),
    ("Landeshauptstadt Potsdam", "city"),
    ("Hamburger Hochbahn AG", "utility"),
    ("Brückner & Partner Consulting GmbH", "company"),
    ("Stadt Freiburg im Breisgau", "city"),
    ("Ministerium für Digitalisierung und Innovation Sachsen-Anhalt", "state"),
    ("Stadt Osnabrück", "city"),
]

_EXPERT_POSITIONS: dict[str, list[tuple[str, str, str]]] = {
    "city": [
        (
            "Leiter der Stabsstelle Digitalisierung",
            "Leiterin der Stabsstelle Digitalisierung",
            "Head of the Digitalisation Unit",
        ),
        ("Smart-City-Koordinator", "Smart-City-Koordinatorin", "Smart City Coordinator"),
        ("Chief Digital Officer", "Chief Digital Officer", "Chief Digital Officer"),
    ],
    "district": [
        ("Digitalisierungsbeauftragter", "Digitalisierungsbeauftragte", "Digitalisation Officer"),
        ("Leiter Kreisentwicklung", "Leiterin Kreisentwicklung", "Head of District Development"),
    ],
    "federal": [
        ("Referatsleiter", "Referatsleiterin", "Head of Division"),
        ("Projektleiter OZG-Umsetzung", "Projektleiterin OZG-Umsetzung", "Project Lead, Online Access Act"),
    ],
    "state": [
        ("Referatsleiter E-Government", "Referatsleiterin E-Government", "Head of the eGovernment Division"),
        (
            "Projektleiter Registermodernisierung",
            "Projektleiterin Registermodernisierung",
            "Project Lead, Register Modernisation",
        ),
    ],
    "utility": [
        ("Bereichsleiter Digitalisierung", "Bereichsleiterin Digitalisierung", "Head of Digitalisation"),
        ("Leiter Smart City", "Leiterin Smart City", "Head of Smart City"),
    ],
    "company": [
        ("Head of Public Sector", "Head of Public Sector", "Head of Public Sector"),
        (
            "Senior Consultant Öffentlicher Sektor",
            "Senior Consultant Öffentlicher Sektor",
            "Senior Consultant, Public Sector",
        ),
        ("Sicherheitsarchitekt", "Sicherheitsarchitektin", "Security Architect"),
    ],
    "research": [
        (
            "Professor für Verwaltungsinformatik",
            "Professorin für Verwaltungsinformatik",
            "Professor of Public Sector Informatics",
        ),
        ("Wissenschaftlicher Mitarbeiter", "Wissenschaftliche Mitarbeiterin", "Research Associate"),
    ],
}

# Bio sentences: "{name}" is filled in; (German, English).
_FOCUS: dict[str, list[tuple[str, str]]] = {
    "leader": [
        (
            "{name} gestaltet die Digitalpolitik des Hauses und vertritt sie in den Gremien von Bund und Ländern.",
            "{name} shapes the organisation's digital policy and represents it in federal and state committees.",
        ),
        (
            "{name} setzt sich für eine Verwaltung ein, die ihre Leistungen vollständig online anbietet.",
            "{name} campaigns for an administration that offers all of its services online.",
        ),
        (
            "{name} verantwortet die Digitalstrategie und die Zusammenarbeit mit Wirtschaft und Wissenschaft.",
            "{name} is responsible for the digital strategy and for cooperation with industry and academia.",
        ),
    ],
    "city": [
        (
            "{name} verantwortet die Digitalstrategie der Stadtverwaltung und treibt Smart-City-Projekte voran.",
            "{name} is responsible for the city administration's digital strategy and drives smart city projects.",
        ),
        (
            "{name} baut die urbane Datenplattform der Stadt auf und bringt Ämter und Stadtwerke zusammen.",
            "{name} is building the city's urban data platform and brings departments and utilities together.",
        ),
    ],
    "district": [
        (
            "{name} bringt Breitband, Telemedizin und digitale Verwaltung in die Gemeinden des Kreises.",
            "{name} brings broadband, telemedicine and digital administration to the district's municipalities.",
        ),
        (
            "{name} koordiniert die Smart-Region-Projekte des Landkreises und ihre Förderung.",
            "{name} coordinates the district's smart region projects and their funding.",
        ),
    ],
    "federal": [
        (
            "{name} arbeitet an der Umsetzung des Onlinezugangsgesetzes und an gemeinsamen Basisdiensten.",
            "{name} works on implementing the Online Access Act and on shared basic services.",
        ),
        (
            "{name} betreut Projekte zur Modernisierung der Register und zum Once-Only-Prinzip.",
            "{name} looks after projects on register modernisation and the once-only principle.",
        ),
    ],
    "state": [
        (
            "{name} steuert die E-Government-Projekte des Landes und die Zusammenarbeit mit den Kommunen.",
            "{name} steers the state's eGovernment projects and its cooperation with the municipalities.",
        ),
        (
            "{name} verantwortet die Einführung der E-Akte und digitaler Antragsverfahren im Land.",
            "{name} is in charge of introducing e-files and digital application procedures in the state.",
        ),
    ],
    "utility": [
        (
            "{name} entwickelt digitale Angebote für Energie, Wasser und Mobilität in der Region.",
            "{name} develops digital services for energy, water and mobility in the region.",
        ),
        (
            "{name} betreibt IT-Dienste für Kommunen und baut Rechenzentren und Netze aus.",
            "{name} runs IT services for municipalities and expands data centres and networks.",
        ),
    ],
    "company": [
        (
            "{name} berät Kommunen und Landesverwaltungen bei Cloud-Migration und Plattformprojekten.",
            "{name} advises municipalities and state administrations on cloud migration and platform projects.",
        ),
        (
            "{name} entwickelt Lösungen für sichere Verwaltungsnetze und digitale Identitäten.",
            "{name} develops solutions for secure administrative networks and digital identities.",
        ),
    ],
    "research": [
        (
            "{name} forscht zu digitaler Verwaltung, Open Data und Bürgerbeteiligung.",
            "{name} researches digital administration, open data and citizen participation.",
        ),
        (
            "{name} untersucht, wie Städte und Regionen Daten für das Gemeinwohl nutzen können.",
            "{name} studies how cities and regions can use data for the common good.",
        ),
    ],
    "moderator": [
        (
            "{name} moderiert seit vielen Jahren Konferenzen und Podien rund um Staat und Digitalisierung.",
            "{name} has been moderating conferences and panels on government and digitalisation for many years.",
        ),
    ],
    "founder": [
        (
            "{name} hat das Start-up gegründet, um Verwaltung und Stadt mit einfachen Werkzeugen digitaler zu machen.",
            "{name} founded the start-up to make administration and city life more digital with simple tools.",
        ),
    ],
}

_BACKGROUND: list[tuple[str, str, str]] = [
    # (German male, German female, English)
    (
        "Zuvor war er mehrere Jahre in der IT-Wirtschaft tätig.",
        "Zuvor war sie mehrere Jahre in der IT-Wirtschaft tätig.",
        "Before that, {pronoun} spent several years in the IT industry.",
    ),
    (
        "Er hat Verwaltungswissenschaften und Informatik studiert.",
        "Sie hat Verwaltungswissenschaften und Informatik studiert.",
        "{Pronoun} studied public administration and computer science.",
    ),
    (
        "Vorher leitete er ein Digitalisierungsprojekt in einer Landesverwaltung.",
        "Vorher leitete sie ein Digitalisierungsprojekt in einer Landesverwaltung.",
        "Previously {pronoun} led a digitalisation project in a state administration.",
    ),
    (
        "Er engagiert sich ehrenamtlich in der Open-Data-Community.",
        "Sie engagiert sich ehrenamtlich in der Open-Data-Community.",
        "{Pronoun} volunteers in the open data community.",
    ),
    (
        "Er lehrt zudem an einer Hochschule für öffentliche Verwaltung.",
        "Sie lehrt zudem an einer Hochschule für öffentliche Verwaltung.",
        "{Pronoun} also teaches at a university of applied sciences for public administration.",
    ),
]

_MODERATOR_ROLES: list[tuple[str, str, str, str]] = [
    ("Bitkom e. V.", "Bereichsleiter Public Sector", "Bereichsleiterin Public Sector", "Head of Public Sector"),
    ("Bitkom e. V.", "Referent Smart City & Smart Region", "Referentin Smart City & Smart Region", "Policy Officer"),
    ("Magazin Staat & Digital", "Chefredakteur", "Chefredakteurin", "Editor-in-Chief"),
    ("", "Moderator und Journalist", "Moderatorin und Journalistin", "Presenter and journalist"),
    ("Kommunalradio Berlin", "Redakteur", "Redakteurin", "Editor"),
]

_START_UPS: list[str] = [
    "Parkfuchs GmbH",
    "Amtlich UG",
    "Baumpate GmbH",
    "Dorfnetz GmbH",
    "Schildwache GmbH",
    "Kiezlicht GmbH",
    "Urbanaut GmbH",
    "Formfix GmbH",
    "Datenweide GmbH",
    "Wegweiser Mobility GmbH",
]

_FOUNDER_POSITIONS: list[tuple[str, str, str]] = [
    ("Gründer und Geschäftsführer", "Gründerin und Geschäftsführerin", "Founder and CEO"),
    ("Mitgründer und CTO", "Mitgründerin und CTO", "Co-founder and CTO"),
]

# Guests from the partner country and elsewhere: (name, organisation, position_de, position_en,
# category, tags, bio_de, bio_en).
_GUESTS: list[tuple[str, str, str, str, str, tuple[str, ...], str, str]] = [
    (
        "Rūta Petrauskienė",
        "Ministry of the Economy and Innovation of the Republic of Lithuania",
        "Vizeministerin",
        "Vice-Minister",
        "leader",
        ("lt",),
        "Rūta Petrauskienė verantwortet die GovTech-Strategie Litauens und die Digitalisierung der Wirtschaft.",
        "Rūta Petrauskienė is responsible for Lithuania's GovTech strategy and the digitalisation of the economy.",
    ),
    (
        "Mindaugas Kazlauskas",
        "Vilnius City Municipality",
        "Stellvertretender Bürgermeister",
        "Deputy Mayor",
        "leader",
        ("lt", "vilnius"),
        "Mindaugas Kazlauskas treibt in Vilnius offene Daten und digitale Bürgerdienste voran.",
        "Mindaugas Kazlauskas drives open data and digital citizen services in Vilnius.",
    ),
    (
        "Eglė Jankauskaitė",
        "GovTech Lab Vilnius",
        "Leiterin",
        "Head",
        "leader",
        ("lt",),
        "Eglė Jankauskaitė bringt Start-ups und Behörden zusammen, um Probleme der Verwaltung gemeinsam zu lösen.",
        "Eglė Jankauskaitė brings start-ups and public bodies together to solve the administration's problems.",
    ),
    (
        "Tomas Stankevičius",
        "Invest Lithuania",
        "Leiter Technologie und Innovation",
        "Head of Technology and Innovation",
        "expert",
        ("lt",),
        "Tomas Stankevičius berät internationale Technologieunternehmen bei der Ansiedlung in Litauen.",
        "Tomas Stankevičius advises international technology companies on setting up in Lithuania.",
    ),
    (
        "Lina Vasiliauskienė",
        "Kaunas City Municipality",
        "Leiterin Smart City",
        "Head of Smart City",
        "expert",
        ("lt",),
        "Lina Vasiliauskienė leitet die Smart-City-Projekte von Kaunas, von Verkehrssensorik bis Bürgerportal.",
        "Lina Vasiliauskienė leads Kaunas's smart city projects, from traffic sensors to the citizen portal.",
    ),
    (
        "Darius Žukauskas",
        "Kaunas University of Technology",
        "Professor für Informationssysteme",
        "Professor of Information Systems",
        "expert",
        ("lt",),
        "Darius Žukauskas forscht zu interoperablen Registern und digitalen Identitäten.",
        "Darius Žukauskas researches interoperable registers and digital identities.",
    ),
    (
        "Giedrė Balčiūnaitė",
        "Information Society Development Committee",
        "Projektleiterin E-Government",
        "eGovernment Project Manager",
        "expert",
        ("lt",),
        "Giedrė Balčiūnaitė koordiniert die zentralen E-Government-Dienste der litauischen Verwaltung.",
        "Giedrė Balčiūnaitė coordinates the central eGovernment services of the Lithuanian administration.",
    ),
    (
        "Andrius Paulauskas",
        "Registrų centras",
        "Leiter Digitale Dienste",
        "Head of Digital Services",
        "expert",
        ("lt",),
        "Andrius Paulauskas verantwortet die digitalen Dienste des litauischen Registerzentrums.",
        "Andrius Paulauskas is responsible for the digital services of Lithuania's Centre of Registers.",
    ),
    (
        "Mette Sørensen",
        "Agency for Digitisation, Denmark",
        "Direktorin",
        "Director",
        "leader",
        ("intl",),
        "Mette Sørensen leitet die dänische Digitalisierungsagentur und die nationale Strategie für digitale Dienste.",
        "Mette Sørensen heads the Danish Agency for Digitisation and the national strategy for digital services.",
    ),
    (
        "Claire Dubois",
        "European Commission, DG CONNECT",
        "Referatsleiterin",
        "Head of Unit",
        "leader",
        ("intl", "eu"),
        "Claire Dubois arbeitet an der europäischen Strategie für interoperable öffentliche Dienste.",
        "Claire Dubois works on the European strategy for interoperable public services.",
    ),
    (
        "Kristjan Tamm",
        "e-Governance Academy, Estonia",
        "Programmdirektor",
        "Programme Director",
        "expert",
        ("intl", "estonia"),
        "Kristjan Tamm berät Regierungen weltweit beim Aufbau digitaler Verwaltungen nach estnischem Vorbild.",
        "Kristjan Tamm advises governments worldwide on building digital administrations on the Estonian model.",
    ),
    (
        "Sophie van Dijk",
        "City of Amsterdam",
        "Chief Technology Officer",
        "Chief Technology Officer",
        "expert",
        ("intl", "amsterdam"),
        "Sophie van Dijk verantwortet die Technologiestrategie Amsterdams mit Schwerpunkt auf offenen Standards.",
        "Sophie van Dijk is responsible for Amsterdam's technology strategy with a focus on open standards.",
    ),
    (
        "Lukas Gruber",
        "Stadt Wien",
        "Leiter Digitale Services",
        "Head of Digital Services",
        "expert",
        (),
        "Lukas Gruber entwickelt die digitalen Services der Stadt Wien und ihre Bürger-App weiter.",
        "Lukas Gruber develops Vienna's digital services and the city's citizen app.",
    ),
]

_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ø": "o"}
)


def speaker_slug(name: str) -> str:
    return slugify(name.translate(_TRANSLITERATION))


def _speaker(
    name: str, gender: str, organisation: str, position: tuple[str, str, str], category: str, focus_kind: str, n: int
) -> dict[str, Any]:
    focus = _FOCUS[focus_kind][n % len(_FOCUS[focus_kind])]
    background = _BACKGROUND[n % len(_BACKGROUND)]
    pronoun = "he" if gender == "m" else "she"
    return {
        "name": name,
        "slug": speaker_slug(name),
        "organisation": organisation,
        "position_de": position[0] if gender == "m" else position[1],
        "position_en": position[2],
        "bio_de": focus[0].format(name=name) + " " + (background[0] if gender == "m" else background[1]),
        "bio_en": focus[1].format(name=name)
        + " "
        + background[2].format(pronoun=pronoun, Pronoun=pronoun.capitalize()),
        "category": category,
        "tags": (),
    }


def _build_speakers() -> list[dict[str, Any]]:
    speakers: list[dict[str, Any]] = []
    names = iter(
        (f"{_FIRST_NAMES[i % len(_FIRST_NAMES)][0]} {_LAST_NAMES[(i * 7) % len(_LAST_NAMES)]}", _FIRST_NAMES[i % 40][1])
        for i in range(200)
    )
    for n, (organisation, male, female, english) in enumerate(_LEADER_ROLES):
        name, gender = next(names)
        speakers.append(_speaker(name, gender, organisation, (male, female, english), "leader", "leader", n))
    for n in range(10):
        name, gender = next(names)
        organisation, male, female, english = _MODERATOR_ROLES[n % len(_MODERATOR_ROLES)]
        speakers.append(_speaker(name, gender, organisation, (male, female, english), "moderator", "moderator", n))
    for n, start_up in enumerate(_START_UPS):
        name, gender = next(names)
        speaker = _speaker(name, gender, start_up, _FOUNDER_POSITIONS[n % 2], "founder", "founder", n)
        speaker["tags"] = (start_up.split()[0].lower(),)
        speakers.append(speaker)
    for n in range(95):
        name, gender = next(names)
        organisation, kind = _EXPERT_ORGS[n % len(_EXPERT_ORGS)]
        positions = _EXPERT_POSITIONS[kind]
        position = positions[(n // len(_EXPERT_ORGS)) % len(positions)]
        speakers.append(_speaker(name, gender, organisation, position, "expert", kind, n))
    for name, organisation, position_de, position_en, category, tags, bio_de, bio_en in _GUESTS:
        speakers.append(
            {
                "name": name,
                "slug": speaker_slug(name),
                "organisation": organisation,
                "position_de": position_de,
                "position_en": position_en,
                "bio_de": bio_de,
                "bio_en": bio_en,
                "category": category,
                "tags": tags,
            }
        )
    return speakers


SPEAKERS: list[dict[str, Any]] = _build_speakers()

# --- sessions -----------------------------------------------------------------------------
# A session: title_de/en, abstract_de/en, optional description_de/en, track (slug or None),
# language ("de" default), tags (speaker preference, see above), speakers (override of the
# format's default roles: a list of (role, category)).

KEYNOTE = "keynote"
PANEL = "panel"
TALK = "talk"
BEST_PRACTICE = "best_practice"
WORKSHOP = "workshop"
PITCH = "pitch"
HACKATHON = "hackathon"
SIDE_EVENT = "side_event"
RECEPTION = "reception"

# Who speaks, by format: (role, category or categories tried in order).
DEFAULT_SPEAKERS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    KEYNOTE: [("speaker", ("leader",))],
    PANEL: [
        ("moderator", ("moderator",)),
        ("speaker", ("leader", "expert")),
        ("speaker", ("expert",)),
        ("speaker", ("expert", "founder")),
    ],
    TALK: [("speaker", ("expert",))],
    BEST_PRACTICE: [("speaker", ("expert",))],
    WORKSHOP: [("host", ("expert",))],
    PITCH: [("speaker", ("founder",))],
    HACKATHON: [("host", ("expert",)), ("host", ("founder",))],
    SIDE_EVENT: [("host", ("leader", "expert")), ("speaker", ("expert",))],
    RECEPTION: [("host", ("leader",)), ("speaker", ("leader",))],
}
# Every third best-practice talk and every workshop with 50 seats or more has a second speaker.
SECOND_SPEAKER: dict[str, tuple[str, tuple[str, ...]]] = {
    BEST_PRACTICE: ("speaker", ("expert", "founder")),
    WORKSHOP: ("host", ("expert", "founder")),
}


def _s(title_de: str, title_en: str, abstract_de: str, abstract_en: str, track: str | None, **extra: Any) -> dict:
    return {
        "title_de": title_de,
        "title_en": title_en,
        "abstract_de": abstract_de,
        "abstract_en": abstract_en,
        "track": track,
        **extra,
    }


# In the order they fill the Main Stage's keynote slots (first: the opening, last: the closing).
KEYNOTES: list[dict[str, Any]] = [
    _s(
        "Eröffnung der Smart Country Convention",
        "Opening of the Smart Country Convention",
        "Begrüßung durch Bitkom und Messe Berlin und ein Blick auf drei Tage Programm rund um den digitalen Staat.",
        "Welcome from Bitkom and Messe Berlin and a look at three days of programme on the digital state.",
        None,
    ),
    _s(
        "Der digitale Staat 2030: Wo wir stehen, wohin wir wollen",
        "The digital state 2030: where we stand, where we are heading",
        "Welche Leistungen Bürgerinnen und Unternehmen in zehn Jahren selbstverständlich online erwarten – "
        "und was Bund, Länder und Kommunen dafür jetzt entscheiden müssen.",
        "Which services citizens and businesses will take for granted online in ten years, and what the "
        "federal, state and local levels must decide now.",
        "egovernment",
    ),
    _s(
        "Partnerland Litauen: Wie ein kleines Land zum digitalen Vorreiter wurde",
        "Partner country Lithuania: how a small country became a digital front-runner",
        "Zentrale Register, eine nationale eID und ein GovTech Lab: Litauens Weg zur digitalen Verwaltung.",
        "Central registers, a national eID and a GovTech Lab: Lithuania's path to a digital administration.",
        "egovernment",
        language="en",
        tags=("lt",),
    ),
    _s(
        "Smart Cities made in Germany: Die Modellprojekte des Bundes",
        "Smart Cities made in Germany: the federal model projects",
        "Was die ersten Modellprojekte Smart Cities erreicht haben und wie andere Kommunen davon profitieren.",
        "What the first smart city model projects have achieved and how other municipalities can benefit.",
        "smart-city",
    ),
    _s(
        "Daten als Rohstoff der Stadt",
        "Data as the raw material of the city",
        "Verkehrs-, Umwelt- und Verwaltungsdaten gehören zur kommunalen Infrastruktur. Wie Städte sie "
        "erheben, teilen und schützen.",
        "Traffic, environmental and administrative data are part of municipal infrastructure. How cities "
        "collect, share and protect them.",
        "smart-city",
    ),
    _s(
        "Cybersicherheit ist Daseinsvorsorge",
        "Cyber security is a public service",
        "Wenn das Rathaus offline ist, stehen Bürgerdienste still. Warum Informationssicherheit Chefsache sein muss.",
        "When the town hall is offline, citizen services stop. Why information security belongs at the top.",
        "security",
    ),
    _s(
        "Gleichwertige Lebensverhältnisse durch Digitalisierung",
        "Equivalent living conditions through digitalisation",
        "Glasfaser, Telemedizin und digitale Verwaltung als Hebel gegen das Gefälle zwischen Stadt und Land.",
        "Fibre, telemedicine and digital administration as levers against the gap between town and country.",
        "smart-region",
    ),
    _s(
        "OZG-Umsetzung: Halbzeitbilanz aus Sicht des Bundes",
        "Implementing the Online Access Act: a mid-term review from the federal perspective",
        "575 Leistungen, 14 Themenfelder, ein Stichtag: Was erreicht ist und wo es noch hakt.",
        "575 services, 14 subject areas, one deadline: what has been achieved and where it still sticks.",
        "egovernment",
    ),
    _s(
        "Europa digital: Ein Binnenmarkt für öffentliche Dienste",
        "Digital Europe: a single market for public services",
        "Single Digital Gateway, eIDAS und Once-Only über Grenzen hinweg: die europäische Agenda für "
        "digitale Verwaltung.",
        "The Single Digital Gateway, eIDAS and once-only across borders: the European agenda for digital "
        "administration.",
        "egovernment",
        language="en",
        tags=("eu",),
    ),
    _s(
        "Künstliche Intelligenz im Dienst der Bürgerinnen und Bürger",
        "Artificial intelligence in the service of citizens",
        "Von der Posteingangsverarbeitung bis zur Verkehrsprognose: Wo KI der Verwaltung heute hilft und "
        "welche Regeln sie braucht.",
        "From processing incoming mail to traffic forecasts: where AI helps administrations today and which "
        "rules it needs.",
        "egovernment",
    ),
    _s(
        "Mobilität der Zukunft: vernetzt, geteilt, emissionsfrei",
        "Mobility of the future: connected, shared, zero-emission",
        "Wie Kommunen Verkehrsdaten, neue Angebote und Ladeinfrastruktur zu einem Mobilitätssystem verbinden.",
        "How municipalities combine traffic data, new services and charging infrastructure into one mobility system.",
        "mobility",
    ),
    _s(
        "Die Cloud für die öffentliche Hand",
        "The cloud for the public sector",
        "Welche Anforderungen Verwaltungen an Cloud-Dienste stellen und wie eine souveräne Cloud aussehen kann.",
        "What administrations require from cloud services and what a sovereign cloud can look like.",
        "digital-sovereignty",
    ),
    _s(
        "5G als Infrastruktur der Smart Region",
        "5G as the infrastructure of the smart region",
        "Vom Campusnetz bis zur Landwirtschaft: Welche Anwendungen im ländlichen Raum auf 5G warten.",
        "From campus networks to agriculture: which applications in rural areas are waiting for 5G.",
        "smart-region",
    ),
    _s(
        "Digitale Souveränität als Standortfaktor",
        "Digital sovereignty as a location factor",
        "Warum Wahlfreiheit bei Software und Infrastruktur für Verwaltung und Wirtschaft gleichermaßen zählt.",
        "Why freedom of choice in software and infrastructure matters to administrations and business alike.",
        "digital-sovereignty",
    ),
    _s(
        "Bürgerbeteiligung im digitalen Zeitalter",
        "Citizen participation in the digital age",
        "Online-Dialoge, Bürgerhaushalte und offene Daten: Wie digitale Beteiligung Vertrauen schafft.",
        "Online dialogues, participatory budgets and open data: how digital participation builds trust.",
        "smart-city",
    ),
    _s(
        "Vom Antrag zum Ergebnis: Once-Only in der Praxis",
        "From application to outcome: once-only in practice",
        "Wenn Behörden Nachweise untereinander austauschen, wird der Antrag zur Formsache. Ein Werkstattbericht.",
        "When authorities exchange evidence among themselves, the application becomes a formality. A progress report.",
        "egovernment",
    ),
    _s(
        "Vilnius: Smart City in der Praxis",
        "Vilnius: smart city in practice",
        "Offene Daten, digitale Parkraumbewirtschaftung und ein Bürgerportal: Was Vilnius in fünf Jahren umgesetzt hat.",
        "Open data, digital parking management and a citizen portal: what Vilnius has delivered in five years.",
        "smart-city",
        language="en",
        tags=("vilnius",),
    ),
    _s(
        "Abschlusskeynote: Der Staat als Plattform",
        "Closing keynote: government as a platform",
        "Gemeinsame Basisdienste, offene Schnittstellen und ein Ökosystem aus Verwaltung, Wirtschaft und "
        "Zivilgesellschaft.",
        "Shared basic services, open interfaces and an ecosystem of administration, industry and civil society.",
        "egovernment",
    ),
]

_PANEL_MAIN: list[dict[str, Any]] = [
    _s(
        "Digitalpolitik im Bund: Wer steuert die Verwaltungsdigitalisierung?",
        "Federal digital policy: who steers the digitalisation of administration?",
        "IT-Planungsrat, Digitalkabinett, Ressortprinzip: Ein Podium über Zuständigkeiten und Tempo.",
        "IT Planning Council, digital cabinet, departmental principle: a panel on responsibilities and pace.",
        "egovernment",
    ),
    _s(
        "Digitales Litauen: Lehren für Deutschland",
        "Digital Lithuania: lessons for Germany",
        "Gäste aus Vilnius und Kaunas diskutieren mit deutschen Verwaltungen, was sich übertragen lässt.",
        "Guests from Vilnius and Kaunas discuss with German administrations what can be transferred.",
        "egovernment",
        language="en",
        tags=("lt",),
    ),
    _s(
        "Smart City, Smart Region: Wie Stadt und Land voneinander profitieren",
        "Smart city, smart region: how town and country benefit from each other",
        "Gemeinsame Plattformen, geteilte Rechenzentren und Pendlerverkehr: Digitalisierung über Gemarkungsgrenzen.",
        "Shared platforms, shared data centres and commuter traffic: digitalisation across municipal boundaries.",
        "smart-region",
    ),
    _s(
        "Europäische Cloud-Infrastruktur: Was kann GAIA-X leisten?",
        "European cloud infrastructure: what can GAIA-X deliver?",
        "Eine vernetzte, vertrauenswürdige Dateninfrastruktur für Europa: Erwartungen aus Verwaltung und Wirtschaft.",
        "A networked, trustworthy data infrastructure for Europe: expectations from administrations and industry.",
        "digital-sovereignty",
    ),
    _s(
        "Cybersicherheit im Föderalismus: Wer schützt die Kommune?",
        "Cyber security in a federal system: who protects the municipality?",
        "BSI, Landes-CERTs und kommunale IT-Dienstleister über Zuständigkeiten, Meldewege und gemeinsame Übungen.",
        "The BSI, state CERTs and municipal IT providers on responsibilities, reporting channels and joint exercises.",
        "security",
    ),
    _s(
        "Mobilitätswende in Stadt und Land",
        "The mobility transition in town and country",
        "Verkehrsverbünde, Stadtwerke und Start-ups über offene Mobilitätsdaten und die Zukunft des ÖPNV.",
        "Transport associations, utilities and start-ups on open mobility data and the future of public transport.",
        "mobility",
    ),
    _s(
        "Künstliche Intelligenz in der Verwaltung: Chancen, Grenzen, Regeln",
        "AI in public administration: opportunities, limits, rules",
        "Was darf ein Algorithmus entscheiden? Ein Gespräch über Transparenz, Haftung und Akzeptanz.",
        "What may an algorithm decide? A conversation about transparency, liability and acceptance.",
        "egovernment",
    ),
    _s(
        "Fachkräfte für den digitalen Staat: Wie gewinnen wir die Besten?",
        "Skilled staff for the digital state: how do we attract the best?",
        "Tarifrecht, Quereinstieg und Digitalakademien: Wie die Verwaltung im Wettbewerb um IT-Talente besteht.",
        "Pay scales, lateral entry and digital academies: how administrations compete for IT talent.",
        "egovernment",
    ),
    _s(
        "Open Data: Vom Datenschatz zum Mehrwert",
        "Open data: from data treasure to added value",
        "Offene Verwaltungsdaten sind da – doch wer nutzt sie? Kommunen, Wirtschaft und Zivilgesellschaft berichten.",
        "Open government data exists, but who uses it? Municipalities, businesses and civil society report.",
        "smart-city",
    ),
    _s(
        "Nordische und baltische Perspektiven auf digitale Verwaltungsleistungen",
        "Nordic and Baltic perspectives on digital public services",
        "Dänemark, Estland und Litauen im Gespräch: Was den Norden Europas bei digitalen Diensten so schnell macht.",
        "Denmark, Estonia and Lithuania in conversation: what makes Northern Europe so fast with digital services.",
        "egovernment",
        language="en",
        tags=("intl", "lt", "estonia"),
        tagged_speakers=3,
    ),
    _s(
        "Digitale Souveränität: Wie abhängig ist der Staat von Technologieanbietern?",
        "Digital sovereignty: how dependent is the state on technology vendors?",
        "Marktanalysen, Ausstiegsstrategien und offene Standards: Ein Podium über Handlungsspielräume.",
        "Market analyses, exit strategies and open standards: a panel on room for manoeuvre.",
        "digital-sovereignty",
    ),
]

_PANEL_SMART_CITY: list[dict[str, Any]] = [
    _s(
        "Urbane Datenplattformen: Selbst bauen, kaufen oder teilen?",
        "Urban data platforms: build, buy or share?",
        "Drei Städte, drei Wege zur Datenplattform – und die Frage, ob es eine gemeinsame Lösung geben sollte.",
        "Three cities, three paths to a data platform, and whether there should be a shared solution.",
        "smart-city",
    ),
    _s(
        "Stadtwerke als Motor der Smart City",
        "Municipal utilities as the engine of the smart city",
        "Netze, Daten, Kundenkontakt: Warum Stadtwerke oft die besten Smart-City-Betreiber sind.",
        "Networks, data, customer contact: why municipal utilities often make the best smart city operators.",
        "smart-city",
    ),
    _s(
        "Klimaschutz mit Daten: Wie Städte Emissionen messen und senken",
        "Climate protection with data: how cities measure and cut emissions",
        "Sensorik, Energiedaten und digitale Zwillinge im Dienst kommunaler Klimaziele.",
        "Sensors, energy data and digital twins in the service of municipal climate targets.",
        "smart-city",
    ),
    _s(
        "Sharing, Scooter, Shuttle: Ordnung im neuen Mobilitätsmarkt",
        "Sharing, scooters, shuttles: bringing order to the new mobility market",
        "Sondernutzung, Datenschnittstellen und Stellplätze: Wie Städte neue Anbieter steuern.",
        "Special-use permits, data interfaces and parking: how cities manage new providers.",
        "mobility",
    ),
    _s(
        "Datenschutz und Smart City: Ein Widerspruch?",
        "Data protection and the smart city: a contradiction?",
        "Datenschutzbeauftragte, Städte und Anbieter über Privacy by Design im öffentlichen Raum.",
        "Data protection officers, cities and vendors on privacy by design in public space.",
        "smart-city",
    ),
    _s(
        "Smart Cities in Europa: Was Deutschland von Vilnius und Amsterdam lernen kann",
        "Smart cities in Europe: what Germany can learn from Vilnius and Amsterdam",
        "Europäische Städte berichten von Datenstrategien, Beteiligung und offenen Standards.",
        "European cities report on data strategies, participation and open standards.",
        "smart-city",
        language="en",
        tags=("lt", "amsterdam"),
    ),
]

_PANEL_SMART_REGION: list[dict[str, Any]] = [
    _s(
        "Digitale Daseinsvorsorge auf dem Land",
        "Digital public services in rural areas",
        "Arztpraxis, Schule, Rathaus: Welche Angebote die Digitalisierung auf dem Land sichern kann.",
        "Doctor's surgery, school, town hall: which services digitalisation can secure in rural areas.",
        "smart-region",
    ),
    _s(
        "Interkommunale Zusammenarbeit: Gemeinsam digital",
        "Inter-municipal cooperation: going digital together",
        "Zweckverbände, gemeinsame Rechenzentren und geteilte Fachkräfte: Kooperation als Erfolgsfaktor.",
        "Special-purpose associations, shared data centres and shared experts: cooperation as a success factor.",
        "smart-region",
    ),
    _s(
        "5G für die Fläche: Wer baut, wer zahlt?",
        "5G for rural areas: who builds, who pays?",
        "Netzbetreiber, Landkreise und Förderer über weiße Flecken, Auflagen und Kooperationsmodelle.",
        "Network operators, districts and funders on coverage gaps, licence obligations and cooperation models.",
        "smart-region",
    ),
    _s(
        "Landwirtschaft 4.0: Daten vom Feld",
        "Agriculture 4.0: data from the field",
        "Sensoren, Satellitendaten und Maschinenvernetzung: Was Landwirtschaft und Kommunen gemeinsam nutzen können.",
        "Sensors, satellite data and connected machinery: what farming and municipalities can use together.",
        "smart-region",
    ),
    _s(
        "Mobil ohne eigenes Auto auf dem Land",
        "Mobile without a car of your own in the countryside",
        "Rufbusse, Mitfahrbänke und Sharing-Angebote: Was in dünn besiedelten Regionen wirklich funktioniert.",
        "On-demand buses, ride-sharing benches and sharing services: what really works in sparsely populated regions.",
        "mobility",
    ),
    _s(
        "Tourismus digital: Regionen im Wettbewerb",
        "Digital tourism: regions in competition",
        "Offene Tourismusdaten, digitale Gästekarten und Besucherlenkung in Ferienregionen.",
        "Open tourism data, digital guest cards and visitor management in holiday regions.",
        "smart-region",
    ),
]

_PANEL_EGOVERNMENT: list[dict[str, Any]] = [
    _s(
        "OZG-Umsetzung: „Einer für alle“ in der Praxis",
        "Online Access Act: “one for all” in practice",
        "Ein Land entwickelt, alle nutzen: Wie die Nachnutzung von Onlinediensten gelingt und wo sie scheitert.",
        "One state develops, all use it: how reusing online services succeeds and where it fails.",
        "egovernment",
    ),
    _s(
        "Nutzerkonten von Bund und Ländern: Ein Login für alles?",
        "Federal and state user accounts: one login for everything?",
        "Interoperable Servicekonten, Postfächer und die Frage nach einem einheitlichen Bürgerkonto.",
        "Interoperable service accounts, mailboxes and the question of a single citizen account.",
        "egovernment",
    ),
    _s(
        "Cyberangriffe auf Kommunen: Was tun im Ernstfall?",
        "Cyber attacks on municipalities: what to do when it happens?",
        "Betroffene Kommunen, Ermittler und IT-Dienstleister über Notfallpläne, Lösegeldforderungen und Wiederanlauf.",
        "Affected municipalities, investigators and IT providers on emergency plans, ransom demands and recovery.",
        "security",
    ),
    _s(
        "Open Source im öffentlichen Sektor: Hürden und Chancen",
        "Open source in the public sector: hurdles and opportunities",
        "Vergabe, Support und Community: Was Verwaltungen brauchen, um Open Source strategisch einzusetzen.",
        "Procurement, support and community: what administrations need to use open source strategically.",
        "digital-sovereignty",
    ),
    _s(
        "eID: Der Online-Ausweis auf dem Smartphone",
        "eID: the online ID card on the smartphone",
        "Warum die Online-Ausweisfunktion bisher kaum genutzt wird, was das Smartphone daran ändern kann und "
        "was Litauen anders macht.",
        "Why the online ID function has hardly been used so far, what the smartphone can change and what "
        "Lithuania does differently.",
        "egovernment",
        tags=("lt",),
        tagged_speakers=1,
    ),
    _s(
        "Vergaberecht und Innovation: Wie kauft der Staat digital ein?",
        "Procurement law and innovation: how does the state buy digital?",
        "Innovationspartnerschaft, agile Verträge und Start-ups als Lieferanten der Verwaltung.",
        "Innovation partnerships, agile contracts and start-ups as suppliers to public administration.",
        "egovernment",
    ),
]

_TALKS_SMART_CITY: list[dict[str, Any]] = [
    _s(
        "Die Smart-City-Charta: Leitlinien für die digitale Transformation der Städte",
        "The Smart City Charter: guidelines for the digital transformation of cities",
        "Was die Smart-City-Charta von Bund, Ländern und Kommunen fordert und wie Städte sie anwenden.",
        "What the Smart City Charter of the federal, state and local levels asks for and how cities apply it.",
        "smart-city",
    ),
    _s(
        "Daten-Governance für Kommunen: Wem gehören die Daten der Stadt?",
        "Data governance for municipalities: who owns the city's data?",
        "Datenstrategie, Rollen und Verträge: Wie Kommunen die Hoheit über ihre Daten behalten.",
        "Data strategy, roles and contracts: how municipalities keep control of their data.",
        "smart-city",
    ),
]

_TALKS_SMART_REGION: list[dict[str, Any]] = [
    _s(
        "Förderprogramme für Smart Regions im Überblick",
        "Funding programmes for smart regions at a glance",
        "Von Bund, Ländern und EU: Welche Programme die Digitalisierung ländlicher Räume fördern und wie man sie nutzt.",
        "From the federal government, the states and the EU: which programmes fund rural digitalisation and how to use them.",
        "smart-region",
    ),
    _s(
        "Autonome Shuttles im ländlichen Raum: Zwischenbilanz der Testfelder",
        "Autonomous shuttles in rural areas: interim results from the test beds",
        "Fahrgastzahlen, Technik und Genehmigung: Was die ersten Linien mit automatisierten Kleinbussen zeigen.",
        "Passenger numbers, technology and approval: what the first routes with automated minibuses show.",
        "mobility",
    ),
]

_TALKS_EGOVERNMENT: list[dict[str, Any]] = [
    _s(
        "Registermodernisierung: Warum Bürger ihre Daten nur einmal angeben sollen",
        "Register modernisation: why citizens should give their data only once",
        "Identifikationsnummer, Datenschutzcockpit und vernetzte Register: Der Fahrplan zur Registermodernisierung.",
        "Identification number, data protection cockpit and connected registers: the roadmap to register modernisation.",
        "egovernment",
    ),
    _s(
        "Informationssicherheit in der Verwaltung: Die fünf häufigsten Lücken",
        "Information security in administrations: the five most common gaps",
        "Aus hunderten Prüfungen: Welche Schwachstellen Angreifern die Tür öffnen und wie man sie schließt.",
        "From hundreds of audits: which weaknesses open the door to attackers and how to close them.",
        "security",
    ),
]

# Best-practice talks: a template per topic, filled with a place; (track, title_de, title_en,
# abstract_de, abstract_en) with "{de}" and "{en}" for the place's name.
_BP_SMART_CITY: list[tuple[str, str, str, str, str]] = [
    (
        "smart-city",
        "Urbane Datenplattform {de}: Vom Pilot zum Regelbetrieb",
        "Urban data platform {en}: from pilot to daily operation",
        "Wie {de} Sensordaten, Fachverfahren und offene Daten auf einer Plattform zusammenführt – und was der "
        "Betrieb wirklich kostet.",
        "How {en} brings sensor data, specialist applications and open data together on one platform, and what "
        "running it really costs.",
    ),
    (
        "smart-city",
        "Digitaler Zwilling {de}: Stadtplanung in 3D",
        "Digital twin {en}: urban planning in 3D",
        "Der digitale Zwilling verbindet in {de} Geodaten, Bauleitplanung und Klimamodelle. Ein Bericht über "
        "Datenqualität, Werkzeuge und erste Entscheidungen.",
        "In {en} the digital twin combines geodata, land-use planning and climate models. A report on data "
        "quality, tools and the first decisions made with it.",
    ),
    (
        "mobility",
        "Intelligente Parkraumsteuerung in {de}",
        "Smart parking management in {en}",
        "Sensoren in Parkbuchten und eine offene Schnittstelle senken in {de} den Parksuchverkehr. Was "
        "funktioniert hat und was nicht.",
        "Sensors in parking bays and an open interface cut the traffic searching for parking in {en}: what "
        "worked and what did not.",
    ),
    (
        "smart-city",
        "Ein LoRaWAN-Netz für die ganze Stadt: Erfahrungen aus {de}",
        "A city-wide LoRaWAN network: lessons from {en}",
        "Vom Füllstandsmelder im Altglascontainer bis zur Bodenfeuchte am Stadtbaum: Welche Anwendungen in {de} "
        "über das eigene Funknetz laufen.",
        "From fill-level sensors in bottle banks to soil moisture under street trees: which applications run on "
        "the city's own radio network in {en}.",
    ),
    (
        "mobility",
        "Mobilitätsplattform {de}: Bus, Rad und Carsharing in einer App",
        "Mobility platform {en}: bus, bike and car sharing in one app",
        "Wie die Stadtwerke in {de} Angebote verschiedener Anbieter buchbar machen und warum offene "
        "Schnittstellen dafür entscheidend sind.",
        "How the municipal utility in {en} makes the services of several providers bookable, and why open "
        "interfaces are crucial.",
    ),
    (
        "smart-city",
        "Smart-City-Strategie {de}: Bürgerinnen und Bürger gestalten mit",
        "Smart city strategy {en}: citizens help shape it",
        "Werkstätten, Online-Beteiligung und ein Bürgerrat: So ist in {de} die Smart-City-Strategie entstanden.",
        "Workshops, online participation and a citizens' assembly: how the smart city strategy came about in {en}.",
    ),
]
_BP_SMART_CITY_PLACES: list[tuple[str, str]] = [
    ("Hamburg", "Hamburg"),
    ("München", "Munich"),
    ("Köln", "Cologne"),
    ("Darmstadt", "Darmstadt"),
    ("Ulm", "Ulm"),
    ("Leipzig", "Leipzig"),
    ("Gelsenkirchen", "Gelsenkirchen"),
    ("Wolfsburg", "Wolfsburg"),
    ("Kaiserslautern", "Kaiserslautern"),
]

_BP_SMART_REGION: list[tuple[str, str, str, str, str]] = [
    (
        "smart-region",
        "{de}: Telemedizin für den ländlichen Raum",
        "{en}: telemedicine for rural areas",
        "Videosprechstunde, Gemeindeschwester mit Tablet und ein digitales Netz der Hausarztpraxen: Wie "
        "die Versorgung in der Fläche gesichert wird.",
        "Video consultations, community nurses with tablets and a digital network of GP surgeries: how care is "
        "secured across a rural area.",
    ),
    (
        "mobility",
        "{de}: Der Rufbus kommt per App",
        "{en}: on-demand buses booked by app",
        "Wo der Linienbus selten fährt, bringt ein digital disponierter Rufbus Menschen zum Arzt, zur Schule "
        "und zum Bahnhof.",
        "Where scheduled buses run rarely, a digitally dispatched on-demand bus takes people to the doctor, to "
        "school and to the station.",
    ),
    (
        "smart-region",
        "{de}: Coworking auf dem Land",
        "{en}: coworking in the countryside",
        "Leerstehende Ladenlokale werden zu Arbeitsplätzen für Pendlerinnen und Pendler – mit Glasfaser, "
        "Buchungssystem und Kinderbetreuung.",
        "Empty shops become workplaces for commuters, with fibre, a booking system and childcare.",
    ),
    (
        "smart-region",
        "{de}: Digitale Dörfer, lebendige Nachbarschaften",
        "{en}: digital villages, lively neighbourhoods",
        "Dorf-App, digitaler Marktplatz und Nachbarschaftshilfe: Was eine Plattform für das Gemeinschaftsleben "
        "leisten kann.",
        "Village app, digital marketplace and neighbourhood help: what a platform can do for community life.",
    ),
    (
        "smart-region",
        "{de}: Glasfaser und 5G bis in den letzten Ortsteil",
        "{en}: fibre and 5G to the last hamlet",
        "Förderprogramme, Mitverlegung und Betreibermodelle: Wie der Breitbandausbau in der Fläche vorankommt.",
        "Funding programmes, co-laying and operator models: how broadband roll-out progresses in rural areas.",
    ),
    (
        "smart-region",
        "{de}: Das digitale Kreishaus",
        "{en}: the digital district office",
        "Vom Bauantrag bis zur Kfz-Zulassung: Wie ein Landkreis seine Leistungen online anbietet und die "
        "kreisangehörigen Gemeinden mitnimmt.",
        "From building permits to vehicle registration: how a district offers its services online and brings "
        "its municipalities along.",
    ),
]
_BP_SMART_REGION_PLACES: list[tuple[str, str]] = [
    ("Landkreis Wunsiedel im Fichtelgebirge", "Wunsiedel district"),
    ("Kreis Höxter", "Höxter district"),
    ("Region Südwestfalen", "South Westphalia"),
    ("Landkreis Cochem-Zell", "Cochem-Zell district"),
    ("Landkreis Görlitz", "Görlitz district"),
    ("Amt Süderbrarup", "Süderbrarup"),
    ("Landkreis Oberallgäu", "Oberallgäu district"),
    ("Vogelsbergkreis", "Vogelsberg district"),
    ("Landkreis Vorpommern-Greifswald", "Vorpommern-Greifswald district"),
]

_BP_EGOVERNMENT: list[tuple[str, str, str, str, str]] = [
    (
        "egovernment",
        "{de}: Familienleistungen digital beantragen",
        "{en}: applying for family benefits online",
        "Elterngeld, Kindergeld, Namensbestimmung: Wie Leistungen rund um die Geburt digital und mit weniger "
        "Nachweisen beantragt werden.",
        "Parental allowance, child benefit, choosing a name: how services around a birth are applied for online "
        "with fewer documents.",
    ),
    (
        "egovernment",
        "{de}: Die E-Akte im ganzen Haus",
        "{en}: e-files across the whole administration",
        "Die elektronische Akte in allen Ressorts: Erfahrungen mit Schulungen, Scanstellen und dem Aktenplan.",
        "The electronic file in every department: experience with training, scanning centres and the filing plan.",
    ),
    (
        "security",
        "{de}: Ein CERT für die Kommunen",
        "{en}: a CERT for the municipalities",
        "Warum Land und Kommunen bei der Cybersicherheit zusammenarbeiten und wie ein gemeinsames Lagebild entsteht.",
        "Why the state and its municipalities cooperate on cyber security and how a shared picture of the "
        "threat situation emerges.",
    ),
    (
        "digital-sovereignty",
        "{de}: Open Source als strategische Entscheidung",
        "{en}: open source as a strategic decision",
        "Weniger Abhängigkeit von einzelnen Anbietern: Ein Erfahrungsbericht über Migration, Support und Kosten.",
        "Less dependence on single vendors: a report on migration, support and costs.",
    ),
    (
        "egovernment",
        "{de}: Ein KI-Assistent im Bürgerservice",
        "{en}: an AI assistant for citizen services",
        "Ein Chatbot beantwortet Fragen rund um die Uhr – mit Datenschutz, Transparenz und klarer Übergabe an "
        "Menschen.",
        "A chatbot answers questions around the clock, with data protection, transparency and a clear handover "
        "to people.",
    ),
    (
        "digital-sovereignty",
        "{de}: Eine souveräne Cloud für die Verwaltung",
        "{en}: a sovereign cloud for the administration",
        "Rechenzentrumskonsolidierung, Private Cloud und die Frage, welche Daten wohin dürfen.",
        "Data centre consolidation, private cloud and the question of which data may go where.",
    ),
]
_BP_EGOVERNMENT_PLACES: list[tuple[str, str]] = [
    ("Freistaat Bayern", "Free State of Bavaria"),
    ("Hamburg", "Hamburg"),
    ("Nordrhein-Westfalen", "North Rhine-Westphalia"),
    ("Hessen", "Hesse"),
    ("Berlin", "Berlin"),
    ("Schleswig-Holstein", "Schleswig-Holstein"),
    ("Sachsen", "Saxony"),
    ("Bremen", "Bremen"),
    ("Baden-Württemberg", "Baden-Württemberg"),
]


def _best_practice(
    templates: list[tuple[str, str, str, str, str]], places: list[tuple[str, str]], count: int
) -> list[dict[str, Any]]:
    """`count` talks, each template with a different place (unique while count <= lcm of both lengths)."""
    talks = []
    for n in range(count):
        track, title_de, title_en, abstract_de, abstract_en = templates[n % len(templates)]
        de, en = places[n % len(places)]
        talks.append(
            _s(
                title_de.format(de=de),
                title_en.format(en=en),
                abstract_de.format(de=de),
                abstract_en.format(en=en),
                track,
            )
        )
    return talks


PITCHES: list[dict[str, Any]] = [
    _s(
        "Start-up-Pitch: Parkfuchs – freie Parkplätze in Echtzeit",
        "Start-up pitch: Parkfuchs – free parking spaces in real time",
        "Bodensensoren und eine App führen direkt zum freien Parkplatz.",
        "Ground sensors and an app lead straight to a free parking space.",
        "mobility",
        tags=("parkfuchs",),
    ),
    _s(
        "Start-up-Pitch: Amtlich – Formulare, die sich selbst ausfüllen",
        "Start-up pitch: Amtlich – forms that fill themselves in",
        "Bekannte Angaben übernehmen, Nachweise automatisch anhängen: ein Baukasten für einfache Anträge.",
        "Reusing known data, attaching evidence automatically: a toolkit for simple applications.",
        "egovernment",
        tags=("amtlich",),
    ),
    _s(
        "Start-up-Pitch: Baumpate – Sensoren für durstige Stadtbäume",
        "Start-up pitch: Baumpate – sensors for thirsty street trees",
        "Bodenfeuchtesensoren melden, wann ein Baum Wasser braucht – Nachbarn übernehmen das Gießen.",
        "Soil moisture sensors report when a tree needs water, and neighbours take over the watering.",
        "smart-city",
        tags=("baumpate",),
    ),
    _s(
        "Start-up-Pitch: Dorfnetz – die App für Vereine und Gemeinden",
        "Start-up pitch: Dorfnetz – the app for clubs and villages",
        "Termine, Nachrichten und Nachbarschaftshilfe in einer App für das ganze Dorf.",
        "Events, news and neighbourhood help in one app for the whole village.",
        "smart-region",
        tags=("dorfnetz",),
    ),
    _s(
        "Start-up-Pitch: Schildwache – Phishing-Training für Behörden",
        "Start-up pitch: Schildwache – phishing training for public authorities",
        "Realistische Übungs-Mails und kurze Lerneinheiten machen Beschäftigte zur ersten Verteidigungslinie.",
        "Realistic practice e-mails and short lessons make staff the first line of defence.",
        "security",
        tags=("schildwache",),
    ),
    _s(
        "Start-up-Pitch: Kiezlicht – smarte Straßenbeleuchtung",
        "Start-up pitch: Kiezlicht – smart street lighting",
        "Leuchten, die nur bei Bedarf hell werden, sparen Strom und tragen nebenbei Umweltsensoren.",
        "Lamps that only brighten when needed save power and carry environmental sensors on the side.",
        "smart-city",
        tags=("kiezlicht",),
    ),
]

_WORKSHOP_NOTE_DE = "Begrenzte Teilnehmerzahl, Anmeldung erforderlich. Bitte bringen Sie einen Laptop mit."
_WORKSHOP_NOTE_EN = "Limited seats, registration required. Please bring a laptop."


def _w(
    day: int,
    room: str,
    start: str,
    minutes: int,
    seats: int | None,
    title_de: str,
    title_en: str,
    abstract_de: str,
    abstract_en: str,
    track: str | None,
    fmt: str = WORKSHOP,
    **extra: Any,
) -> dict[str, Any]:
    """A session with a fixed place in the programme (workshops, side events, the reception)."""
    session = _s(title_de, title_en, abstract_de, abstract_en, track, **extra)
    session.update({"day": day, "room": room, "start": start, "minutes": minutes, "seats": seats, "format": fmt})
    if fmt in (WORKSHOP, HACKATHON):
        session.setdefault("description_de", _WORKSHOP_NOTE_DE)
        session.setdefault("description_en", _WORKSHOP_NOTE_EN)
    return session


# Workshops, the hackathon, side events and the evening reception, each at its place.
PLACED_SESSIONS: list[dict[str, Any]] = [
    # day 1
    _w(
        0,
        "M1",
        "10:00",
        450,
        80,
        "Open-Data-Hackathon: Apps für die Stadt",
        "Open data hackathon: apps for the city",
        "Einen Tag lang entwickeln Teams mit offenen Daten aus Berlin, Hamburg und Vilnius Prototypen für den Alltag.",
        "For one day, teams build everyday prototypes with open data from Berlin, Hamburg and Vilnius.",
        "smart-city",
        fmt=HACKATHON,
    ),
    _w(
        0,
        "M2",
        "10:00",
        90,
        40,
        "Workshop: OZG-Leistungen nutzerzentriert gestalten",
        "Workshop: designing Online Access Act services around their users",
        "Mit Personas, Nutzerreisen und Prototypen zu Onlinediensten, die Menschen ohne Hilfe nutzen können.",
        "With personas, user journeys and prototypes to online services that people can use without help.",
        "egovernment",
    ),
    _w(
        0,
        "M4",
        "10:00",
        90,
        40,
        "Workshop: Open Data veröffentlichen mit CKAN und DCAT-AP.de",
        "Workshop: publishing open data with CKAN and DCAT-AP.de",
        "Vom Datensatz zum Portal: Metadaten, Lizenzen und automatische Harvester Schritt für Schritt.",
        "From dataset to portal: metadata, licences and automatic harvesters step by step.",
        "smart-city",
    ),
    _w(
        0,
        "M3",
        "13:30",
        90,
        30,
        "Workshop: Design Thinking für Verwaltungsteams",
        "Workshop: design thinking for administrative teams",
        "Methoden zum Ausprobieren: Wie Teams Probleme aus Sicht der Bürgerinnen und Bürger verstehen.",
        "Methods to try out: how teams understand problems from the citizens' point of view.",
        "egovernment",
    ),
    _w(
        0,
        "M5",
        "13:30",
        90,
        35,
        "Workshop: IT-Grundschutz-Profil für Kommunen",
        "Workshop: the IT baseline protection profile for municipalities",
        "Das Profil des BSI für Kommunalverwaltungen in der Anwendung: Schutzbedarf, Bausteine, erste Maßnahmen.",
        "Applying the BSI profile for municipal administrations: protection needs, modules, first measures.",
        "security",
    ),
    _w(
        0,
        "M6",
        "15:30",
        90,
        30,
        "Workshop: Agiles Projektmanagement in Behörden",
        "Workshop: agile project management in public authorities",
        "Scrum, Kanban und Haushaltsrecht: Wie agile Methoden in die Verwaltung passen.",
        "Scrum, Kanban and budget law: how agile methods fit public administration.",
        "egovernment",
    ),
    _w(
        0,
        "main",
        "18:30",
        180,
        None,
        "Abendempfang der Smart Country Convention",
        "Smart Country Convention evening reception",
        "Networking mit Gästen aus Verwaltung, Wirtschaft und dem Partnerland Litauen, mit Grußwort und Musik.",
        "Networking with guests from administrations, industry and partner country Lithuania, with a welcome "
        "address and music.",
        None,
        fmt=RECEPTION,
        tags=("lt",),
    ),
    # day 2
    _w(
        1,
        "M8",
        "09:00",
        60,
        None,
        "Partnerland Litauen: Business-Frühstück",
        "Partner country Lithuania: business breakfast",
        "Litauische GovTech-Unternehmen und deutsche Kommunen lernen sich beim Frühstück kennen.",
        "Lithuanian GovTech companies and German municipalities meet over breakfast.",
        None,
        fmt=SIDE_EVENT,
        language="en",
        tags=("lt",),
    ),
    _w(
        1,
        "M1",
        "10:00",
        90,
        100,
        "Workshop: Eine Smart-City-Strategie in 90 Minuten",
        "Workshop: a smart city strategy in 90 minutes",
        "Handlungsfelder, Ziele und Maßnahmen: Ein kompaktes Vorgehen für Städte, die am Anfang stehen.",
        "Fields of action, goals and measures: a compact approach for cities at the start.",
        "smart-city",
    ),
    _w(
        1,
        "M3",
        "10:00",
        90,
        50,
        "Workshop: Digitale Zwillinge mit offenen Geodaten",
        "Workshop: digital twins with open geodata",
        "Aus 3D-Stadtmodell, Bebauungsplan und Sensordaten einen ersten digitalen Zwilling bauen.",
        "Building a first digital twin from a 3D city model, a development plan and sensor data.",
        "smart-city",
    ),
    _w(
        1,
        "M7",
        "10:00",
        90,
        25,
        "Workshop: Barrierefreie Verwaltungsportale nach BITV 2.0",
        "Workshop: accessible administration portals under BITV 2.0",
        "Prüfschritte, Werkzeuge und typische Fehler: So werden Portale für alle nutzbar.",
        "Test steps, tools and typical mistakes: how to make portals usable by everyone.",
        "egovernment",
    ),
    _w(
        1,
        "M2",
        "13:30",
        90,
        60,
        "Workshop: KI-Anwendungen in der Verwaltung erkennen und bewerten",
        "Workshop: identifying and assessing AI use cases in public administration",
        "Von der Idee zum Anwendungsfall: Datenlage, Nutzen, Risiken und rechtlicher Rahmen.",
        "From idea to use case: data, benefits, risks and the legal framework.",
        "egovernment",
    ),
    _w(
        1,
        "M8",
        "13:30",
        90,
        25,
        "Workshop: Cloud-Migration – von der Strategie zum Betrieb",
        "Workshop: cloud migration – from strategy to operation",
        "Welche Fachverfahren in die Cloud gehören, wie man Anbieter vergleicht und den Betrieb organisiert.",
        "Which applications belong in the cloud, how to compare providers and how to organise operations.",
        "digital-sovereignty",
    ),
    _w(
        1,
        "M4",
        "15:30",
        90,
        40,
        "Workshop: LoRaWAN für Kommunen – Sensorik in der Praxis",
        "Workshop: LoRaWAN for municipalities – sensors in practice",
        "Gateway aufstellen, Sensor anmelden, Daten auswerten: ein praktischer Einstieg.",
        "Setting up a gateway, registering a sensor, analysing the data: a hands-on introduction.",
        "smart-city",
    ),
    _w(
        1,
        "M1",
        "16:00",
        90,
        None,
        "Treffen der kommunalen CDOs",
        "Meet-up of municipal chief digital officers",
        "Austausch der kommunalen Digitalverantwortlichen über gemeinsame Projekte und offene Fragen.",
        "Municipal digital leads exchange views on joint projects and open questions.",
        "smart-city",
        fmt=SIDE_EVENT,
    ),
    # day 3
    _w(
        2,
        "M1",
        "10:00",
        300,
        None,
        "Karrieretag: Jobs im digitalen Staat",
        "Career day: jobs in the digital state",
        "Bund, Länder, Kommunen und ihre IT-Dienstleister stellen Stellen, Traineeprogramme und Quereinstiege vor.",
        "Federal, state and municipal administrations and their IT providers present jobs, trainee programmes "
        "and lateral entry.",
        "egovernment",
        fmt=SIDE_EVENT,
    ),
    _w(
        2,
        "M2",
        "10:00",
        90,
        50,
        "Workshop: Registermodernisierung – Datenmodelle und Identifikationsnummer",
        "Workshop: register modernisation – data models and the identification number",
        "Wie Register künftig miteinander sprechen: XÖV-Standards, Identifikationsnummer und Datenschutzcockpit.",
        "How registers will talk to each other: XÖV standards, the identification number and the data "
        "protection cockpit.",
        "egovernment",
    ),
    _w(
        2,
        "M5",
        "10:00",
        90,
        45,
        "Workshop: Ende-zu-Ende-Digitalisierung mit dem FIM-Baukasten",
        "Workshop: end-to-end digitalisation with the FIM toolkit",
        "Leistungen, Datenfelder und Prozesse aus dem Föderalen Informationsmanagement richtig nutzen.",
        "Making good use of services, data fields and processes from the Federal Information Management.",
        "egovernment",
    ),
    _w(
        2,
        "M3",
        "13:30",
        90,
        40,
        "Workshop: Bürgerbeteiligung digital organisieren",
        "Workshop: organising citizen participation online",
        "Plattformen, Moderation und Auswertung: Wie Online-Beteiligung zu Entscheidungen führt.",
        "Platforms, moderation and evaluation: how online participation leads to decisions.",
        "smart-city",
    ),
    _w(
        2,
        "M6",
        "13:30",
        90,
        30,
        "Workshop: Open-Source-Software in der Verwaltung einführen",
        "Workshop: introducing open source software in public administration",
        "Lizenzen, Ausschreibung, Betrieb: Ein Leitfaden für die ersten Open-Source-Projekte.",
        "Licences, tendering, operation: a guide for the first open source projects.",
        "digital-sovereignty",
    ),
    _w(
        2,
        "M8",
        "14:00",
        120,
        None,
        "GovTech-Meetup mit Gästen aus Litauen",
        "GovTech meet-up with guests from Lithuania",
        "Start-ups, Verwaltungen und das GovTech Lab Vilnius über Wege, Innovation in Behörden zu bringen.",
        "Start-ups, administrations and the GovTech Lab Vilnius on ways to bring innovation into public bodies.",
        "egovernment",
        fmt=SIDE_EVENT,
        language="en",
        tags=("lt",),
    ),
]

# --- the grid: which format sits where -----------------------------------------------------
# Per stage, per day: (start, minutes, format); each stage's slots of one format are filled in
# chronological order from that stage's content list for the format.

_MAIN_DAY: list[tuple[str, int, str]] = [
    ("09:30", 30, KEYNOTE),
    ("10:00", 30, KEYNOTE),
    ("10:30", 30, KEYNOTE),
    ("11:00", 60, PANEL),
    ("12:00", 30, KEYNOTE),
    ("13:30", 60, PANEL),
    ("14:30", 30, KEYNOTE),
    ("15:00", 60, PANEL),
    ("16:00", 30, KEYNOTE),
    ("16:30", 60, PANEL),
]
_THEMATIC_DAY: list[tuple[str, int, str]] = [
    ("09:30", 20, BEST_PRACTICE),
    ("09:50", 20, BEST_PRACTICE),
    ("10:30", 60, PANEL),
    ("11:45", 20, BEST_PRACTICE),
    ("12:05", 20, BEST_PRACTICE),
    ("14:00", 20, BEST_PRACTICE),
    ("14:20", 20, BEST_PRACTICE),
    ("15:00", 60, PANEL),
    ("16:30", 30, TALK),
]
# The second day's afternoon on the Smart City Stage: six start-up pitches instead of two talks.
_START_UP_AFTERNOON: list[tuple[str, int, str]] = [
    *_THEMATIC_DAY[:5],
    *[(f"14:{minute:02d}", 10, PITCH) for minute in range(0, 60, 10)],
    *_THEMATIC_DAY[7:],
]

GRID: dict[str, list[list[tuple[str, int, str]]]] = {
    "main": [_MAIN_DAY, _MAIN_DAY, _MAIN_DAY[:-1]],
    "smart-city": [_THEMATIC_DAY, _START_UP_AFTERNOON, _THEMATIC_DAY[:-1]],
    "smart-region": [_THEMATIC_DAY, _THEMATIC_DAY, _THEMATIC_DAY[:-1]],
    "egovernment": [_THEMATIC_DAY, _THEMATIC_DAY, _THEMATIC_DAY[:-1]],
}

STAGE_CONTENT: dict[str, dict[str, list[dict[str, Any]]]] = {
    "main": {KEYNOTE: KEYNOTES, PANEL: _PANEL_MAIN},
    "smart-city": {
        BEST_PRACTICE: _best_practice(_BP_SMART_CITY, _BP_SMART_CITY_PLACES, 16),
        PANEL: _PANEL_SMART_CITY,
        TALK: _TALKS_SMART_CITY,
        PITCH: PITCHES,
    },
    "smart-region": {
        BEST_PRACTICE: _best_practice(_BP_SMART_REGION, _BP_SMART_REGION_PLACES, 18),
        PANEL: _PANEL_SMART_REGION,
        TALK: _TALKS_SMART_REGION,
    },
    "egovernment": {
        BEST_PRACTICE: _best_practice(_BP_EGOVERNMENT, _BP_EGOVERNMENT_PLACES, 18),
        PANEL: _PANEL_EGOVERNMENT,
        TALK: _TALKS_EGOVERNMENT,
    },
}

# --- release 1.1: what changes after the first publication ---------------------------------
# Sessions are named by where they sit in release 1.0: (room, day, start).

MOVES: list[dict[str, Any]] = [
    # later the same day, same stage
    {"at": ("smart-region", 1, "09:30"), "to": ("smart-region", 1, "12:25")},
    # into a bigger free room at the same time
    {"at": ("M5", 0, "13:30"), "to": ("M6", 0, "13:30")},
    # brought forward before the lunch break
    {"at": ("main", 1, "16:00"), "to": ("main", 1, "12:30")},
    # to the last day
    {"at": ("egovernment", 0, "16:30"), "to": ("egovernment", 2, "16:30")},
]

CANCELLATIONS: list[tuple[str, int, str]] = [("smart-city", 0, "11:45"), ("M2", 2, "10:00")]

ADDITIONS: list[dict[str, Any]] = [
    _w(
        0,
        "smart-city",
        "11:45",
        20,
        None,
        "Kurzfristig ergänzt: Die Smart-City-Charta in der kommunalen Praxis",
        "Added at short notice: the Smart City Charter in municipal practice",
        "Drei Städte berichten, wie sie die Leitlinien der Smart-City-Charta in Projekte übersetzt haben.",
        "Three cities report how they have turned the guidelines of the Smart City Charter into projects.",
        "smart-city",
        fmt=BEST_PRACTICE,
    ),
    _w(
        1,
        "smart-region",
        "09:30",
        20,
        None,
        "Digitale Dörfer: Lehren aus drei Jahren Praxis",
        "Digital villages: lessons from three years of practice",
        "Was nach dem Ende der Förderung bleibt: Betrieb, Finanzierung und Ehrenamt in digitalen Dörfern.",
        "What remains after the funding ends: operation, financing and volunteering in digital villages.",
        "smart-region",
        fmt=BEST_PRACTICE,
    ),
    _w(
        1,
        "M8",
        "15:30",
        90,
        25,
        "Zusatztermin – Workshop: OZG-Leistungen nutzerzentriert gestalten",
        "Extra date – workshop: designing Online Access Act services around their users",
        "Wegen der großen Nachfrage ein zweiter Termin: Personas, Nutzerreisen und Prototypen für Onlinedienste.",
        "A second date due to high demand: personas, user journeys and prototypes for online services.",
        "egovernment",
    ),
]


# --- ticketing ----------------------------------------------------------------------------
# Prices are gross (incl. 19 % VAT); DOMAIN.md gives them net: 449 € → 534.31 €, 349 € → 415.31 €,
# 199 € → 236.81 €, 99 € → 117.81 €, 45 € → 53.55 €, 79 € → 94.01 €. Every type is on sale from
# now until the edition ends. `valid_day` counts the edition's days from 0; `quotas` are keys of
# TICKET_QUOTAS. Loaded by `load_ticketing` in `load_demo`.

TICKET_QUOTAS: list[dict[str, Any]] = [
    # CityCube's capacity over every admission ticket (2019: about 12,700 participants).
    {"key": "venue", "name": "CityCube Berlin (Einlass gesamt)", "size": 12_700},
    {"key": "students", "name": "Freikarten Studierende", "size": 300},
]

TICKET_TYPES: list[dict[str, Any]] = [
    {
        "key": "public",
        "name_de": "Öffentliche Verwaltung (3 Tage)",
        "name_en": "Public sector (3 days)",
        "description_de": (
            "Kostenfrei für Beschäftigte von Bund, Ländern und Kommunen. Mit einer dienstlichen E-Mail-Adresse "
            "sofort bestätigt, sonst nach Prüfung durch das Team der SCCON."
        ),
        "description_en": (
            "Free for staff of federal, state and municipal administrations. Confirmed at once for an official "
            "e-mail address, otherwise after a check by the SCCON team."
        ),
        "category": "public_sector",
        "price": "0.00",
        "quotas": ["venue"],
    },
    {
        "key": "early_bird",
        "name_de": "Frühbucher 3-Tages-Ticket Wirtschaft",
        "name_en": "Early-bird 3-day ticket, industry",
        "description_de": "Kongress, Messe und Workshops an allen drei Tagen. Nur 100 Tickets zum Frühbucherpreis.",
        "description_en": "Congress, trade fair and workshops on all three days. Only 100 tickets at this price.",
        "category": "industry",
        "price": "415.31",
        "capacity": 100,
        "max_per_order": 5,
        "quotas": ["venue"],
    },
    {
        "key": "industry",
        "name_de": "3-Tages-Ticket Wirtschaft",
        "name_en": "3-day ticket, industry",
        "description_de": "Kongress, Messe und Workshops an allen drei Tagen.",
        "description_en": "Congress, trade fair and workshops on all three days.",
        "category": "industry",
        "price": "534.31",
        "quotas": ["venue"],
    },
    {
        "key": "day_1",
        "name_de": "Tagesticket Wirtschaft, 1. Tag",
        "name_en": "Day ticket, industry, day 1",
        "category": "industry",
        "price": "236.81",
        "valid_day": 0,
        "quotas": ["venue"],
    },
    {
        "key": "day_2",
        "name_de": "Tagesticket Wirtschaft, 2. Tag",
        "name_en": "Day ticket, industry, day 2",
        "category": "industry",
        "price": "236.81",
        "valid_day": 1,
        "quotas": ["venue"],
    },
    {
        "key": "day_3",
        "name_de": "Tagesticket Wirtschaft, 3. Tag",
        "name_en": "Day ticket, industry, day 3",
        "category": "industry",
        "price": "236.81",
        "valid_day": 2,
        "quotas": ["venue"],
    },
    {
        "key": "startup",
        "name_de": "Start-up und Wissenschaft (3 Tage)",
        "name_en": "Start-up and academia (3 days)",
        "description_de": "Für Gründerinnen, Gründer und Beschäftigte von Hochschulen und Forschungseinrichtungen.",
        "description_en": "For founders and staff of universities and research institutions.",
        "category": "startup_academia",
        "price": "117.81",
        "max_per_order": 5,
        "quotas": ["venue"],
    },
    {
        "key": "student",
        "name_de": "Studierende (3 Tage)",
        "name_en": "Students (3 days)",
        "description_de": "Kostenfrei, solange das Kontingent reicht. Bitte den Studierendenausweis mitbringen.",
        "description_en": "Free while the allocation lasts. Please bring your student ID.",
        "category": "student",
        "price": "0.00",
        "max_per_order": 1,
        "quotas": ["venue", "students"],
    },
    {
        "key": "reception",
        "name_de": "Abendempfang am 1. Tag (Zusatzticket)",
        "name_en": "Evening reception on day 1 (add-on)",
        "description_de": "Get-together mit Partnerland Litauen im Foyer des CityCube, begrenzte Plätze.",
        "description_en": "Get-together with partner country Lithuania in the CityCube foyer, limited places.",
        "category": "addon",
        "price": "94.01",
        "capacity": 800,
        "valid_day": 0,
        "max_per_order": 4,
    },
    {
        "key": "press",
        "name_de": "Presse (akkreditiert)",
        "name_en": "Press (accredited)",
        "description_de": "Für akkreditierte Journalistinnen und Journalisten, mit dem Code aus der Akkreditierung.",
        "description_en": "For accredited journalists, with the code from the accreditation.",
        "category": "press",
        "price": "0.00",
        "visibility": "voucher",
        "max_per_order": 1,
        "quotas": ["venue"],
    },
    {
        "key": "speaker",
        "name_de": "Sprecherinnen und Sprecher",
        "name_en": "Speakers",
        "description_de": "Für Mitwirkende des Programms, mit dem Code aus der Einladung.",
        "description_en": "For programme contributors, with the code from the invitation.",
        "category": "speaker",
        "price": "0.00",
        "visibility": "voucher",
        "max_per_order": 1,
        "quotas": ["venue"],
    },
    {
        "key": "exhibitor",
        "name_de": "Zusätzlicher Ausstellerausweis",
        "name_en": "Extra exhibitor pass",
        "description_de": "Weitere Ausweise für das Standpersonal über die im Standpaket enthaltenen hinaus.",
        "description_en": "Passes for stand staff beyond those included with the booth.",
        "category": "exhibitor_pass",
        "price": "53.55",
        "visibility": "voucher",
        "max_per_order": 20,
        "quotas": ["venue"],
    },
]

# `code` may contain {year}; `ticket_types` are keys of TICKET_TYPES.
VOUCHERS: list[dict[str, Any]] = [
    {
        "code": "BITKOM20",
        "kind": "percentage",
        "value": "20.00",
        "max_uses": 500,
        "ticket_types": ["industry", "day_1", "day_2", "day_3"],
        "comment": "Bitkom-Mitglieder: 20 % auf Wirtschaftstickets",
    },
    {
        "code": "PRESS{year}",
        "kind": "free",
        "value": "0.00",
        "max_uses": 150,
        "ticket_types": ["press"],
        "comment": "Presseakkreditierung",
    },
    {
        "code": "SPEAKER{year}",
        "kind": "free",
        "value": "0.00",
        "max_uses": 500,
        "ticket_types": ["speaker"],
        "comment": "Einladung an Mitwirkende",
    },
    {
        "code": "EXHIBITOR{year}",
        "kind": "percentage",
        "value": "0.00",
        "max_uses": 400,
        "ticket_types": ["exhibitor"],
        "comment": "Schaltet zusätzliche Ausstellerausweise frei (voller Preis)",
    },
]

OFFICIAL_DOMAINS: list[tuple[str, str]] = [
    ("bund.de", "Bundesverwaltung"),
    ("bundeswehr.org", "Bundeswehr"),
    ("berlin.de", "Land Berlin und Bezirke"),
    ("bayern.de", "Freistaat Bayern"),
    ("nrw.de", "Land Nordrhein-Westfalen"),
    ("bwl.de", "Land Baden-Württemberg"),
    ("brandenburg.de", "Land Brandenburg"),
    ("bremen.de", "Freie Hansestadt Bremen"),
    ("hamburg.de", "Freie und Hansestadt Hamburg"),
    ("hessen.de", "Land Hessen"),
    ("niedersachsen.de", "Land Niedersachsen"),
    ("rlp.de", "Land Rheinland-Pfalz"),
    ("saarland.de", "Saarland"),
    ("sachsen.de", "Freistaat Sachsen"),
    ("sachsen-anhalt.de", "Land Sachsen-Anhalt"),
    ("schleswig-holstein.de", "Land Schleswig-Holstein"),
    ("thueringen.de", "Freistaat Thüringen"),
    ("mv-regierung.de", "Land Mecklenburg-Vorpommern"),
]

_DEMO_BILLING_COMPANY: dict[str, str] = {
    "name": "Erika Mustermann",
    "company": "Musterdigital GmbH",
    "street": "Friedrichstraße 100",
    "postcode": "10117",
    "city": "Berlin",
    "country": "DE",
    "vat_id": "DE136695976",
}
_DEMO_BILLING_AUTHORITY: dict[str, str] = {
    "name": "Zentrale Vergabestelle",
    "company": "Landkreis Musterland",
    "street": "Kreishausstraße 1",
    "postcode": "39104",
    "city": "Musterstadt",
    "country": "DE",
    "leitweg_id": "04011000-1234512345-06",
    "po_number": "BS-2024-0815",
}

# Demo orders, placed through the shop's services (idempotent by `key`). `paid` records a bank
# transfer for an invoice order. Invoice or free only: card orders need Stripe keys.
DEMO_ORDERS: list[dict[str, Any]] = [
    {
        "key": "paid-invoice",
        "email": "einkauf@musterdigital.example",
        "tickets": [("industry", "Erika Mustermann"), ("industry", "Jonas Becker"), ("reception", "Erika Mustermann")],
        "payment_method": "invoice",
        "billing": _DEMO_BILLING_COMPANY,
        "paid": True,
    },
    {
        "key": "pending-invoice",
        "email": "vergabe@landkreis-musterland.example",
        "tickets": [("early_bird", "Sabine Hoffmann"), ("startup", "Lukas Wagner")],
        "payment_method": "invoice",
        "billing": _DEMO_BILLING_AUTHORITY,
    },
    {
        "key": "awaiting-approval",
        "email": "k.schulz@stadtwerke-musterstadt.example",
        "tickets": [("public", "Katrin Schulz")],
        "payment_method": "invoice",
    },
    {
        "key": "official-free",
        "email": "j.weber@senweb.berlin.de",
        "tickets": [("public", "Julia Weber"), ("public", "Thomas Richter")],
        "payment_method": "invoice",
    },
]
