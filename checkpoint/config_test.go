package checkpoint_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffusego/diffusego/checkpoint"
)

type trainConfig struct {
	Model string  `json:"model"`
	LR    float64 `json:"lr"`
	Steps int     `json:"steps"`
	Optim struct {
		Beta1 float64 `json:"beta1"`
	} `json:"optim"`
}

func TestJSONRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "train.json")
	var c trainConfig
	c.Model, c.LR, c.Steps, c.Optim.Beta1 = "unet", 1e-4, 1000, 0.9
	if err := checkpoint.WriteJSON(path, c); err != nil {
		t.Fatal(err)
	}
	var got trainConfig
	if err := checkpoint.ReadJSON(path, &got); err != nil {
		t.Fatal(err)
	}
	if got != c {
		t.Errorf("read %+v, want %+v", got, c)
	}
	if b, _ := os.ReadFile(path); !strings.HasSuffix(string(b), "}\n") || !strings.Contains(string(b), "\n  \"lr\"") {
		t.Errorf("file is not indented JSON with a final newline:\n%s", b)
	}
}

func TestReadJSONErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
	}{
		{"unknown field", "{\n  \"model\": \"unet\",\n  \"learning_rate\": 1\n}", `train.json:3:3: unknown field "learning_rate"`},
		{"wrong type", "{\n  \"model\": \"unet\",\n  \"lr\": \"fast\"\n}", `train.json:3:14: field "lr": want float64, got string`},
		{"nested wrong type", `{"optim": {"beta1": true}}`, `field "optim.beta1": want float64, got bool`},
		{"syntax", "{\n  \"lr\": 1,,\n}", `train.json:2:11: invalid JSON`},
		{"cut short", `{"lr": 1`, `train.json:1:9: JSON ends early`},
		{"empty", ``, `train.json: empty file`},
		{"trailing", `{"lr": 1} {}`, `train.json:1:11: data after the JSON value`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "train.json")
			if err := os.WriteFile(path, []byte(tc.data), 0o644); err != nil {
				t.Fatal(err)
			}
			var c trainConfig
			err := checkpoint.ReadJSON(path, &c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
