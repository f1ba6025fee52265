// Package docs holds a user setting in its decoded form. // want package:`analysed`
// It is shaped as protoc-gen-go generates a message with a oneof: the
// value is one of several documents, reached through getters.
package docs

import "google.golang.org/protobuf/types/known/structpb"

// Setting is a decoded user setting.
type Setting struct {
	UserID int64
	Key    string
	Value  isSettingValue
}

type isSettingValue interface{ isSettingValue() }

// SettingTokens is the value of a setting that lists tokens.
type SettingTokens struct {
	Tokens *structpb.ListValue
}

func (*SettingTokens) isSettingValue() {}

// SettingNote is the value of a setting that holds a note.
type SettingNote struct {
	Note *structpb.Value
}

func (*SettingNote) isSettingValue() {}

// GetValue returns the setting's value, or nil.
func (x *Setting) GetValue() isSettingValue {
	if x != nil {
		return x.Value
	}
	return nil
}

// GetTokens returns the tokens of a token setting, or nil.
func (x *Setting) GetTokens() *structpb.ListValue {
	if x, ok := x.GetValue().(*SettingTokens); ok {
		return x.Tokens
	}
	return nil
}
