package store // want package:`\) 9 pending through interfaces}`

import (
	"context"
	"errors"

	"example.com/cases/ifaces/docs"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
)

// FindSetting selects settings.
type FindSetting struct {
	UserID *int64
	Key    string
}

var unmarshaler = protojson.UnmarshalOptions{DiscardUnknown: true}

// fromRaw decodes a stored setting.
func fromRaw(raw *Setting) (*docs.Setting, error) {
	d := &docs.Setting{UserID: raw.UserID, Key: raw.Key}
	switch raw.Key {
	case "tokens":
		tokens := &structpb.ListValue{}
		if err := unmarshaler.Unmarshal([]byte(raw.Value), tokens); err != nil {
			return nil, err
		}
		d.Value = &docs.SettingTokens{Tokens: tokens}
	case "note":
		note := &structpb.Value{}
		if err := unmarshaler.Unmarshal([]byte(raw.Value), note); err != nil {
			return nil, err
		}
		d.Value = &docs.SettingNote{Note: note}
	default:
		return nil, nil
	}
	return d, nil
}

// toRaw encodes a setting to store it.
func toRaw(d *docs.Setting) (*Setting, error) {
	raw := &Setting{UserID: d.UserID, Key: d.Key}
	switch d.Key {
	case "tokens":
		b, err := protojson.Marshal(d.GetTokens())
		if err != nil {
			return nil, err
		}
		raw.Value = string(b)
	default:
		return nil, errors.New("unknown setting")
	}
	return raw, nil
}

// ListSettings returns the settings find selects, decoded.
func (s *Store) ListSettings(ctx context.Context, find *FindSetting) ([]*docs.Setting, error) {
	raws, err := s.driver.ListSettings(ctx, find)
	if err != nil {
		return nil, err
	}
	var out []*docs.Setting
	for _, raw := range raws {
		d, err := fromRaw(raw)
		if err != nil {
			return nil, err
		}
		if d != nil {
			out = append(out, d)
		}
	}
	return out, nil
}

// UpsertSettingDoc stores a decoded setting and returns it as stored.
func (s *Store) UpsertSettingDoc(ctx context.Context, d *docs.Setting) (*docs.Setting, error) {
	raw, err := toRaw(d)
	if err != nil {
		return nil, err
	}
	raw, err = s.driver.PutSetting(ctx, raw)
	if err != nil {
		return nil, err
	}
	return fromRaw(raw)
}

// Tokens returns a user's tokens.
func (s *Store) Tokens(ctx context.Context, userID int64) ([]*structpb.Value, error) {
	list, err := s.ListSettings(ctx, &FindSetting{UserID: &userID, Key: "tokens"})
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return list[0].GetTokens().GetValues(), nil
}

// AddToken adds a token to the user's list, as memos adds a refresh
// token: the list is read, appended to and written back whole.
func (s *Store) AddToken(ctx context.Context, userID int64, token string) error {
	tokens, err := s.Tokens(ctx, userID)
	if err != nil {
		return err
	}
	tokens = append(tokens, structpb.NewStringValue(token))
	_, err = s.UpsertSettingDoc(ctx, &docs.Setting{ // want `^lost update: tokens is read at documents\.go:102 through store\.Driver\.ListSettings and written back here through store\.Driver\.PutSetting outside a locking transaction; a concurrent request can change user_settings\.value in between\. Give store\.Driver a method that makes the change in one statement or in one transaction that reads the row with SELECT … FOR UPDATE, or check a version in the write\.\n\tpgdb.DB implements store.Driver: its ListSettings reads user_settings.value at db.go:\d+ without a lock, and its PutSetting writes it at db.go:\d+ whatever the row holds$` `^lost update: tokens is read at documents\.go:102 through store\.Driver\.ListSettings and written back here through store\.Driver\.PutSetting outside a locking transaction; a concurrent request can change user_settings\.value in between\. Give store\.Driver a method that makes the change in one statement or in one transaction that reads the row with SELECT … FOR UPDATE, or check a version in the write\.\n\tsqlitedb.DB implements store.Driver: its ListSettings reads user_settings.value at db.go:\d+ without a lock, and its PutSetting writes it at db.go:\d+ whatever the row holds$`
		UserID: userID,
		Key:    "tokens",
		Value:  &docs.SettingTokens{Tokens: &structpb.ListValue{Values: tokens}},
	})
	return err
}

// ForgetTokens deletes a user's token setting: a delete writes no value
// back.
func (s *Store) ForgetTokens(ctx context.Context, userID int64) error {
	if _, err := s.Tokens(ctx, userID); err != nil {
		return err
	}
	return s.driver.DeleteSettings(ctx, &FindSetting{UserID: &userID, Key: "tokens"})
}

// ReplaceToken replaces one of a user's tokens in the list read.
func (s *Store) ReplaceToken(ctx context.Context, userID int64, i int, token string) error {
	tokens, err := s.Tokens(ctx, userID)
	if err != nil || i >= len(tokens) {
		return err
	}
	tokens[i] = structpb.NewStringValue(token)
	_, err = s.UpsertSettingDoc(ctx, &docs.Setting{ // want `^lost update: tokens is read at documents\.go:126 through store\.Driver\.ListSettings and written back here through store\.Driver\.PutSetting outside a locking transaction; a concurrent request can change user_settings\.value in between\. Give store\.Driver a method that makes the change in one statement or in one transaction that reads the row with SELECT … FOR UPDATE, or check a version in the write\.\n\tpgdb.DB implements store.Driver: its ListSettings reads user_settings.value at db.go:\d+ without a lock, and its PutSetting writes it at db.go:\d+ whatever the row holds$` `^lost update: tokens is read at documents\.go:126 through store\.Driver\.ListSettings and written back here through store\.Driver\.PutSetting outside a locking transaction; a concurrent request can change user_settings\.value in between\. Give store\.Driver a method that makes the change in one statement or in one transaction that reads the row with SELECT … FOR UPDATE, or check a version in the write\.\n\tsqlitedb.DB implements store.Driver: its ListSettings reads user_settings.value at db.go:\d+ without a lock, and its PutSetting writes it at db.go:\d+ whatever the row holds$`
		UserID: userID,
		Key:    "tokens",
		Value:  &docs.SettingTokens{Tokens: &structpb.ListValue{Values: tokens}},
	})
	return err
}
