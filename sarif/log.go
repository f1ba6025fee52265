package sarif

// The subset of SARIF 2.1.0 that the conversion writes. Field names and
// nesting follow the OASIS schema; optional fields are omitted when empty.

// schemaURI is the $schema of the output: the OASIS schema of SARIF 2.1.0
// with errata 01.
const schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// srcRoot is the uriBaseId of artifact locations relative to the base
// directory; GitHub code scanning resolves it to the checkout.
const srcRoot = "%SRCROOT%"

type sarifLog struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []run  `json:"runs"`
}

type run struct {
	Tool               tool                        `json:"tool"`
	Invocations        []invocation                `json:"invocations"`
	OriginalURIBaseIDs map[string]artifactLocation `json:"originalUriBaseIds,omitempty"`
	ColumnKind         string                      `json:"columnKind"`
	Results            []result                    `json:"results"`
}

type tool struct {
	Driver driver `json:"driver"`
}

type driver struct {
	Name            string   `json:"name"`
	Version         string   `json:"version,omitempty"`
	InformationURI  string   `json:"informationUri"`
	FullDescription *message `json:"fullDescription,omitempty"`
	Rules           []rule   `json:"rules"`
}

type rule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name,omitempty"`
	ShortDescription     message        `json:"shortDescription"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration *configuration `json:"defaultConfiguration,omitempty"`
}

type configuration struct {
	Level string `json:"level"`
}

type invocation struct {
	ExecutionSuccessful        bool           `json:"executionSuccessful"`
	ToolExecutionNotifications []notification `json:"toolExecutionNotifications,omitempty"`
}

type notification struct {
	Level      string            `json:"level"`
	Message    message           `json:"message"`
	Properties map[string]string `json:"properties,omitempty"`
}

type message struct {
	Text string `json:"text"`
}

type result struct {
	RuleID           string     `json:"ruleId"`
	RuleIndex        int        `json:"ruleIndex"`
	Level            string     `json:"level"`
	Message          message    `json:"message"`
	Locations        []location `json:"locations"`
	RelatedLocations []location `json:"relatedLocations,omitempty"`
	Fixes            []fix      `json:"fixes,omitempty"`
	// PartialFingerprints identify the result across commits (GitHub
	// tracks an alert by them), without its line number.
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
}

type location struct {
	ID               *int              `json:"id,omitempty"`
	PhysicalLocation *physicalLocation `json:"physicalLocation,omitempty"`
	Message          *message          `json:"message,omitempty"`
}

type physicalLocation struct {
	ArtifactLocation artifactLocation `json:"artifactLocation"`
	Region           *region          `json:"region,omitempty"`
}

type artifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// region is a text region (lines, columns, character offsets) and, for
// replacements, also a binary region (byte offsets); SARIF allows both
// when they denote the same bytes.
type region struct {
	StartLine   int  `json:"startLine,omitempty"`
	StartColumn int  `json:"startColumn,omitempty"`
	EndLine     int  `json:"endLine,omitempty"`
	EndColumn   int  `json:"endColumn,omitempty"`
	CharOffset  *int `json:"charOffset,omitempty"`
	CharLength  *int `json:"charLength,omitempty"`
	ByteOffset  *int `json:"byteOffset,omitempty"`
	ByteLength  *int `json:"byteLength,omitempty"`
}

type fix struct {
	Description     message          `json:"description"`
	ArtifactChanges []artifactChange `json:"artifactChanges"`
}

type artifactChange struct {
	ArtifactLocation artifactLocation `json:"artifactLocation"`
	Replacements     []replacement    `json:"replacements"`
}

type replacement struct {
	DeletedRegion   region   `json:"deletedRegion"`
	InsertedContent *content `json:"insertedContent,omitempty"`
}

type content struct {
	Text string `json:"text"`
}
