package card

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// RenderOptions are the options of a rendering.
type RenderOptions struct {
	// Lang is the language of the headings, one of SupportedLanguages
	// ("" means English). Only headings and the card title are translated;
	// the card's own text, metadata and needs-information guidance are
	// written as given.
	Lang string
}

// SupportedLanguages returns the codes of the languages that headings can
// be written in, English first: ISO 639-1 codes.
func SupportedLanguages() []string {
	return []string{"en", "es", "fr", "de", "ja", "zh"}
}

// normaliseLang reduces a language tag ("fr-CA", "zh_Hans", "DE") to a
// supported language code; "" is English.
func normaliseLang(lang string) (string, error) {
	base := strings.ToLower(strings.TrimSpace(lang))
	if i := strings.IndexAny(base, "-_"); i >= 0 {
		base = base[:i]
	}
	if base == "" {
		return "en", nil
	}
	if slices.Contains(SupportedLanguages(), base) {
		return base, nil
	}
	return "", fmt.Errorf("headings in language %q: not available; use one of %s (a regional tag such as fr-CA is read as its language)",
		lang, strings.Join(SupportedLanguages(), ", "))
}

// HeadingsFor returns the heading of every canonical section in a language
// (see SupportedLanguages; a regional tag such as "es-MX" gives its
// language, "" gives English). The English headings are the Hub template's
// titles (CanonicalSection.Title). The caller owns the returned map.
func HeadingsFor(lang string) (map[SectionID]string, error) {
	code, err := normaliseLang(lang)
	if err != nil {
		return nil, err
	}
	if code == "en" {
		out := make(map[SectionID]string, len(canonicalSections))
		for _, s := range canonicalSections {
			out[s.ID] = s.Title
		}
		return out, nil
	}
	return maps.Clone(sectionHeadings[code]), nil
}

// FamilyHeadings are the headings of a template family's own section in
// one language.
type FamilyHeadings struct {
	// Section is the heading of the family's section (Family.SectionTitle).
	Section string
	// Fields maps each of the family's field keys to its heading
	// (FamilyField.Title).
	Fields map[string]string
}

// FamilyHeadingsFor returns the headings of a family's own section and of
// its fields in a language; "" is the generic family.
func FamilyHeadingsFor(lang string, family FamilyID) (FamilyHeadings, error) {
	code, err := normaliseLang(lang)
	if err != nil {
		return FamilyHeadings{}, err
	}
	if family == "" {
		family = FamilyGeneric
	}
	fam, ok := LookupFamily(family)
	if !ok {
		return FamilyHeadings{}, fmt.Errorf("headings of template family %q: unknown family; use one of %v", family, FamilyIDs())
	}
	out := FamilyHeadings{Section: fam.SectionTitle, Fields: make(map[string]string, len(fam.Fields))}
	if code != "en" {
		out.Section = familySectionHeadings[code][fam.ID]
	}
	for _, f := range fam.Fields {
		title := f.Title
		if code != "en" {
			title = fieldHeadings[code][f.Title]
		}
		out.Fields[f.Key] = title
	}
	return out, nil
}

// CardTitleFor returns a card's title for a model name in a language:
// "Model Card for NAME" in English. The name is put in as given.
func CardTitleFor(lang, name string) (string, error) {
	code, err := normaliseLang(lang)
	if err != nil {
		return "", err
	}
	return strings.Replace(cardTitles[code], "{name}", name, 1), nil
}

// cardTitleName returns the model's name in a card title as CardTitleFor
// writes it in any supported language ("Model Card for X", "Modellkarte
// für X", "X のモデルカード"), and whether title is one. title is plain
// text (see plainInline); the fixed words match case-insensitively and
// the name must not be empty.
func cardTitleName(title string) (string, bool) {
	for _, code := range SupportedLanguages() {
		pattern := cardTitles[code]
		i := strings.Index(pattern, "{name}")
		prefix, suffix := pattern[:i], pattern[i+len("{name}"):]
		if len(title) <= len(prefix)+len(suffix) ||
			!strings.EqualFold(title[:len(prefix)], prefix) ||
			!strings.EqualFold(title[len(title)-len(suffix):], suffix) {
			continue
		}
		if name := strings.TrimSpace(title[len(prefix) : len(title)-len(suffix)]); name != "" {
			return name, true
		}
	}
	return "", false
}

// familyHeadingIndex finds template families and their fields by the
// headings the Hugging Face renderer writes for them, in every supported
// language; keys are normalised titles (NormalizeTitle). Read-only.
type familyHeadingIndex struct {
	// sections maps a family's own section heading onto the family.
	sections map[string]FamilyID
	// fields maps, for each family, its field headings onto the fields'
	// keys.
	fields map[FamilyID]map[string]string
}

// familyHeadings indexes every family's headings in every language.
var familyHeadings = buildFamilyHeadingIndex()

// buildFamilyHeadingIndex builds familyHeadings from the tables the
// renderer writes the headings from. Where two headings normalise alike,
// the first (English first, families in their listed order) wins; a test
// checks that none do across families or fields.
func buildFamilyHeadingIndex() familyHeadingIndex {
	idx := familyHeadingIndex{
		sections: make(map[string]FamilyID, len(families)*len(SupportedLanguages())),
		fields:   make(map[FamilyID]map[string]string, len(families)),
	}
	for _, code := range SupportedLanguages() {
		for i := range families {
			f := &families[i]
			h, err := FamilyHeadingsFor(code, f.ID)
			if err != nil {
				continue // cannot happen: both come from the tables
			}
			if k := NormalizeTitle(h.Section); k != "" {
				if _, dup := idx.sections[k]; !dup {
					idx.sections[k] = f.ID
				}
			}
			byTitle := idx.fields[f.ID]
			if byTitle == nil {
				byTitle = make(map[string]string, len(f.Fields)*len(SupportedLanguages()))
				idx.fields[f.ID] = byTitle
			}
			for _, fld := range f.Fields {
				if k := NormalizeTitle(h.Fields[fld.Key]); k != "" {
					if _, dup := byTitle[k]; !dup {
						byTitle[k] = fld.Key
					}
				}
			}
		}
	}
	return idx
}

// familyForHeading returns the family whose own section has the heading
// title in one of the supported languages ("Language Model Specifics",
// "Besonderheiten des Sprachmodells", ...).
func familyForHeading(title string) (FamilyID, bool) {
	var buf [160]byte
	id, ok := familyHeadings.sections[string(normalizeTitle(buf[:0], title))]
	return id, ok
}

// familyFieldForHeading returns the key of family fam's field whose
// heading is title in one of the supported languages.
func familyFieldForHeading(fam FamilyID, title string) (string, bool) {
	var buf [160]byte
	key, ok := familyHeadings.fields[fam][string(normalizeTitle(buf[:0], title))]
	return key, ok
}

// familyFromBody returns the family whose own section heading the body
// holds (the first such heading in the text), or "" when it holds none.
// Only headings that map onto the family-specifics section are looked at.
func familyFromBody(b *Body) FamilyID {
	if b == nil {
		return ""
	}
	return familyFromSections(b.Sections)
}

// familyFromSections is familyFromBody for a list of sections and their
// subsections.
func familyFromSections(list []*Section) FamilyID {
	for _, s := range list {
		if s.Canonical == SecFamilySpecifics {
			if id, ok := familyForHeading(s.Title); ok {
				return id
			}
		}
		if id := familyFromSections(s.Children); id != "" {
			return id
		}
	}
	return ""
}

// cardTitles are the card title patterns; {name} is the model's name.
// Read-only.
var cardTitles = map[string]string{
	"en": "Model Card for {name}",
	"es": "Ficha del modelo {name}",
	"fr": "Fiche du modèle {name}",
	"de": "Modellkarte für {name}",
	"ja": "{name} のモデルカード",
	"zh": "{name} 的模型卡",
}

// sectionHeadings are the canonical sections' headings in each language
// other than English. Read-only.
var sectionHeadings = map[string]map[SectionID]string{
	"es": {
		SecModelDetails:          "Detalles del modelo",
		SecModelDescription:      "Descripción del modelo",
		SecModelSources:          "Fuentes del modelo",
		SecUses:                  "Usos",
		SecDirectUse:             "Uso directo",
		SecDownstreamUse:         "Uso derivado",
		SecOutOfScopeUse:         "Usos fuera de alcance",
		SecBiasRisksLimitations:  "Sesgos, riesgos y limitaciones",
		SecRecommendations:       "Recomendaciones",
		SecEthicalConsiderations: "Consideraciones éticas",
		SecGetStarted:            "Cómo empezar a usar el modelo",
		SecTraining:              "Detalles del entrenamiento",
		SecTrainingData:          "Datos de entrenamiento",
		SecTrainingProcedure:     "Procedimiento de entrenamiento",
		SecPreprocessing:         "Preprocesamiento",
		SecHyperparameters:       "Hiperparámetros de entrenamiento",
		SecSpeedsSizesTimes:      "Velocidades, tamaños y tiempos",
		SecEvaluation:            "Evaluación",
		SecTestingFactorsMetrics: "Datos de prueba, factores y métricas",
		SecTestingData:           "Datos de prueba",
		SecFactors:               "Factores",
		SecMetrics:               "Métricas",
		SecResults:               "Resultados",
		SecResultsSummary:        "Resumen",
		SecModelExamination:      "Análisis del modelo",
		SecEnvironmentalImpact:   "Impacto ambiental",
		SecTechnicalSpecs:        "Especificaciones técnicas",
		SecArchitecture:          "Arquitectura y objetivo del modelo",
		SecCompute:               "Infraestructura de cómputo",
		SecHardware:              "Hardware",
		SecSoftware:              "Software",
		SecCitation:              "Cita",
		SecGlossary:              "Glosario",
		SecMoreInformation:       "Más información",
		SecCardAuthors:           "Autores de la ficha del modelo",
		SecContact:               "Contacto de la ficha del modelo",
		SecFamilySpecifics:       "Particularidades del tipo de modelo",
		SecLicense:               "Licencia",
	},
	"fr": {
		SecModelDetails:          "Détails du modèle",
		SecModelDescription:      "Description du modèle",
		SecModelSources:          "Sources du modèle",
		SecUses:                  "Utilisations",
		SecDirectUse:             "Utilisation directe",
		SecDownstreamUse:         "Utilisation en aval",
		SecOutOfScopeUse:         "Utilisations hors du champ prévu",
		SecBiasRisksLimitations:  "Biais, risques et limites",
		SecRecommendations:       "Recommandations",
		SecEthicalConsiderations: "Considérations éthiques",
		SecGetStarted:            "Prise en main du modèle",
		SecTraining:              "Détails de l'entraînement",
		SecTrainingData:          "Données d'entraînement",
		SecTrainingProcedure:     "Procédure d'entraînement",
		SecPreprocessing:         "Prétraitement",
		SecHyperparameters:       "Hyperparamètres d'entraînement",
		SecSpeedsSizesTimes:      "Vitesses, tailles, durées",
		SecEvaluation:            "Évaluation",
		SecTestingFactorsMetrics: "Données de test, facteurs et métriques",
		SecTestingData:           "Données de test",
		SecFactors:               "Facteurs",
		SecMetrics:               "Métriques",
		SecResults:               "Résultats",
		SecResultsSummary:        "Synthèse",
		SecModelExamination:      "Examen du modèle",
		SecEnvironmentalImpact:   "Impact environnemental",
		SecTechnicalSpecs:        "Spécifications techniques",
		SecArchitecture:          "Architecture et objectif du modèle",
		SecCompute:               "Infrastructure de calcul",
		SecHardware:              "Matériel",
		SecSoftware:              "Logiciels",
		SecCitation:              "Citation",
		SecGlossary:              "Glossaire",
		SecMoreInformation:       "Informations complémentaires",
		SecCardAuthors:           "Auteurs de la fiche",
		SecContact:               "Contact pour la fiche",
		SecFamilySpecifics:       "Spécificités du type de modèle",
		SecLicense:               "Licence",
	},
	"de": {
		SecModelDetails:          "Modelldetails",
		SecModelDescription:      "Modellbeschreibung",
		SecModelSources:          "Modellquellen",
		SecUses:                  "Verwendung",
		SecDirectUse:             "Direkte Verwendung",
		SecDownstreamUse:         "Nachgelagerte Verwendung",
		SecOutOfScopeUse:         "Nicht vorgesehene Verwendung",
		SecBiasRisksLimitations:  "Verzerrungen, Risiken und Grenzen",
		SecRecommendations:       "Empfehlungen",
		SecEthicalConsiderations: "Ethische Überlegungen",
		SecGetStarted:            "Erste Schritte mit dem Modell",
		SecTraining:              "Trainingsdetails",
		SecTrainingData:          "Trainingsdaten",
		SecTrainingProcedure:     "Trainingsverfahren",
		SecPreprocessing:         "Vorverarbeitung",
		SecHyperparameters:       "Trainings-Hyperparameter",
		SecSpeedsSizesTimes:      "Geschwindigkeiten, Größen, Zeiten",
		SecEvaluation:            "Evaluierung",
		SecTestingFactorsMetrics: "Testdaten, Faktoren und Metriken",
		SecTestingData:           "Testdaten",
		SecFactors:               "Faktoren",
		SecMetrics:               "Metriken",
		SecResults:               "Ergebnisse",
		SecResultsSummary:        "Zusammenfassung",
		SecModelExamination:      "Modelluntersuchung",
		SecEnvironmentalImpact:   "Umweltauswirkungen",
		SecTechnicalSpecs:        "Technische Spezifikationen",
		SecArchitecture:          "Modellarchitektur und Zielsetzung",
		SecCompute:               "Recheninfrastruktur",
		SecHardware:              "Hardware",
		SecSoftware:              "Software",
		SecCitation:              "Zitation",
		SecGlossary:              "Glossar",
		SecMoreInformation:       "Weitere Informationen",
		SecCardAuthors:           "Autoren der Modellkarte",
		SecContact:               "Kontakt zur Modellkarte",
		SecFamilySpecifics:       "Besonderheiten des Modelltyps",
		SecLicense:               "Lizenz",
	},
	"ja": {
		SecModelDetails:          "モデルの詳細",
		SecModelDescription:      "モデルの説明",
		SecModelSources:          "モデルのソース",
		SecUses:                  "用途",
		SecDirectUse:             "直接的な用途",
		SecDownstreamUse:         "派生的な用途",
		SecOutOfScopeUse:         "想定外の用途",
		SecBiasRisksLimitations:  "バイアス、リスク、制限事項",
		SecRecommendations:       "推奨事項",
		SecEthicalConsiderations: "倫理的な考慮事項",
		SecGetStarted:            "モデルの使い方",
		SecTraining:              "学習の詳細",
		SecTrainingData:          "学習データ",
		SecTrainingProcedure:     "学習手順",
		SecPreprocessing:         "前処理",
		SecHyperparameters:       "学習ハイパーパラメータ",
		SecSpeedsSizesTimes:      "速度、サイズ、時間",
		SecEvaluation:            "評価",
		SecTestingFactorsMetrics: "テストデータ、要因、指標",
		SecTestingData:           "テストデータ",
		SecFactors:               "要因",
		SecMetrics:               "評価指標",
		SecResults:               "結果",
		SecResultsSummary:        "要約",
		SecModelExamination:      "モデルの検証",
		SecEnvironmentalImpact:   "環境への影響",
		SecTechnicalSpecs:        "技術仕様",
		SecArchitecture:          "モデルのアーキテクチャと目的",
		SecCompute:               "計算インフラ",
		SecHardware:              "ハードウェア",
		SecSoftware:              "ソフトウェア",
		SecCitation:              "引用",
		SecGlossary:              "用語集",
		SecMoreInformation:       "詳細情報",
		SecCardAuthors:           "モデルカードの作成者",
		SecContact:               "モデルカードの連絡先",
		SecFamilySpecifics:       "モデル種別ごとの情報",
		SecLicense:               "ライセンス",
	},
	"zh": {
		SecModelDetails:          "模型详情",
		SecModelDescription:      "模型描述",
		SecModelSources:          "模型来源",
		SecUses:                  "用途",
		SecDirectUse:             "直接使用",
		SecDownstreamUse:         "下游使用",
		SecOutOfScopeUse:         "超出范围的使用",
		SecBiasRisksLimitations:  "偏见、风险与局限性",
		SecRecommendations:       "建议",
		SecEthicalConsiderations: "伦理考量",
		SecGetStarted:            "如何开始使用模型",
		SecTraining:              "训练详情",
		SecTrainingData:          "训练数据",
		SecTrainingProcedure:     "训练过程",
		SecPreprocessing:         "预处理",
		SecHyperparameters:       "训练超参数",
		SecSpeedsSizesTimes:      "速度、规模与耗时",
		SecEvaluation:            "评估",
		SecTestingFactorsMetrics: "测试数据、因素与指标",
		SecTestingData:           "测试数据",
		SecFactors:               "因素",
		SecMetrics:               "指标",
		SecResults:               "结果",
		SecResultsSummary:        "总结",
		SecModelExamination:      "模型检验",
		SecEnvironmentalImpact:   "环境影响",
		SecTechnicalSpecs:        "技术规格",
		SecArchitecture:          "模型架构与目标",
		SecCompute:               "计算基础设施",
		SecHardware:              "硬件",
		SecSoftware:              "软件",
		SecCitation:              "引用",
		SecGlossary:              "术语表",
		SecMoreInformation:       "更多信息",
		SecCardAuthors:           "模型卡作者",
		SecContact:               "模型卡联系方式",
		SecFamilySpecifics:       "模型类型特有信息",
		SecLicense:               "许可证",
	},
}

// familySectionHeadings are the families' section headings in each
// language other than English. Read-only.
var familySectionHeadings = map[string]map[FamilyID]string{
	"es": {
		FamilyLLM:             "Particularidades del modelo de lenguaje",
		FamilyNLP:             "Particularidades del procesamiento de texto",
		FamilySeq2Seq:         "Particularidades de secuencia a secuencia",
		FamilyVision:          "Particularidades de visión",
		FamilyImageGeneration: "Particularidades de generación de imágenes",
		FamilyAudio:           "Particularidades de audio",
		FamilyMultimodal:      "Particularidades multimodales",
		FamilyRL:              "Particularidades del agente",
		FamilyTabular:         "Particularidades de datos tabulares",
		FamilyGeneric:         "Particularidades del modelo",
	},
	"fr": {
		FamilyLLM:             "Spécificités du modèle de langage",
		FamilyNLP:             "Spécificités du traitement de texte",
		FamilySeq2Seq:         "Spécificités séquence à séquence",
		FamilyVision:          "Spécificités de la vision",
		FamilyImageGeneration: "Spécificités de la génération d'images",
		FamilyAudio:           "Spécificités audio",
		FamilyMultimodal:      "Spécificités multimodales",
		FamilyRL:              "Spécificités de l'agent",
		FamilyTabular:         "Spécificités des données tabulaires",
		FamilyGeneric:         "Spécificités du modèle",
	},
	"de": {
		FamilyLLM:             "Besonderheiten des Sprachmodells",
		FamilyNLP:             "Besonderheiten der Textverarbeitung",
		FamilySeq2Seq:         "Besonderheiten von Sequenz-zu-Sequenz-Modellen",
		FamilyVision:          "Besonderheiten der Bildverarbeitung",
		FamilyImageGeneration: "Besonderheiten der Bildgenerierung",
		FamilyAudio:           "Besonderheiten der Audioverarbeitung",
		FamilyMultimodal:      "Multimodale Besonderheiten",
		FamilyRL:              "Besonderheiten des Agenten",
		FamilyTabular:         "Besonderheiten tabellarischer Daten",
		FamilyGeneric:         "Besonderheiten des Modells",
	},
	"ja": {
		FamilyLLM:             "言語モデル固有の情報",
		FamilyNLP:             "テキスト処理固有の情報",
		FamilySeq2Seq:         "系列変換固有の情報",
		FamilyVision:          "画像認識固有の情報",
		FamilyImageGeneration: "画像生成固有の情報",
		FamilyAudio:           "音声固有の情報",
		FamilyMultimodal:      "マルチモーダル固有の情報",
		FamilyRL:              "エージェント固有の情報",
		FamilyTabular:         "表形式データ固有の情報",
		FamilyGeneric:         "モデル固有の情報",
	},
	"zh": {
		FamilyLLM:             "语言模型特有信息",
		FamilyNLP:             "文本处理特有信息",
		FamilySeq2Seq:         "序列到序列特有信息",
		FamilyVision:          "视觉特有信息",
		FamilyImageGeneration: "图像生成特有信息",
		FamilyAudio:           "音频特有信息",
		FamilyMultimodal:      "多模态特有信息",
		FamilyRL:              "智能体特有信息",
		FamilyTabular:         "表格数据特有信息",
		FamilyGeneric:         "模型特有信息",
	},
}

// fieldHeadings are the family fields' headings in each language other
// than English, keyed by the English heading (FamilyField.Title), which
// several families share. Read-only.
var fieldHeadings = map[string]map[string]string{
	"es": {
		"Prompt Format": "Formato del prompt", "Context Length": "Longitud de contexto",
		"Tokenizer": "Tokenizador", "Safety Evaluation": "Evaluación de seguridad",
		"Alignment and Fine-tuning": "Alineamiento y ajuste fino", "Labels": "Etiquetas",
		"Maximum Sequence Length": "Longitud máxima de secuencia", "Embedding Dimension": "Dimensión de los embeddings",
		"Language Pairs": "Pares de idiomas", "Maximum Input Length": "Longitud máxima de entrada",
		"Maximum Output Length": "Longitud máxima de salida", "Decoding": "Decodificación",
		"Input Resolution": "Resolución de entrada", "Image Preprocessing": "Preprocesamiento de imágenes",
		"Classes": "Clases", "Backbone": "Red troncal", "Output Resolution": "Resolución de salida",
		"Sampler and Steps": "Muestreador y pasos", "Prompting": "Redacción de prompts",
		"Content Safety": "Seguridad del contenido", "Watermarking": "Marcas de agua",
		"Sampling Rate": "Frecuencia de muestreo", "Audio Length": "Duración del audio",
		"Speakers and Accents": "Hablantes y acentos", "Voice Consent": "Consentimiento de las voces",
		"Modalities": "Modalidades", "Image Resolution": "Resolución de imagen", "Environment": "Entorno",
		"Reward": "Recompensa", "Algorithm": "Algoritmo", "Safety Constraints": "Restricciones de seguridad",
		"Input Features": "Variables de entrada", "Target": "Variable objetivo",
		"Forecast Horizon": "Horizonte de predicción", "Drift Monitoring": "Vigilancia de la deriva",
		"Inputs": "Entradas", "Outputs": "Salidas",
	},
	"fr": {
		"Prompt Format": "Format du prompt", "Context Length": "Longueur de contexte",
		"Tokenizer": "Tokeniseur", "Safety Evaluation": "Évaluation de la sécurité",
		"Alignment and Fine-tuning": "Alignement et ajustement fin", "Labels": "Étiquettes",
		"Maximum Sequence Length": "Longueur maximale de séquence", "Embedding Dimension": "Dimension des plongements",
		"Language Pairs": "Paires de langues", "Maximum Input Length": "Longueur maximale d'entrée",
		"Maximum Output Length": "Longueur maximale de sortie", "Decoding": "Décodage",
		"Input Resolution": "Résolution d'entrée", "Image Preprocessing": "Prétraitement des images",
		"Classes": "Classes", "Backbone": "Réseau de base", "Output Resolution": "Résolution de sortie",
		"Sampler and Steps": "Échantillonneur et nombre d'étapes", "Prompting": "Rédaction des prompts",
		"Content Safety": "Sécurité du contenu", "Watermarking": "Tatouage numérique",
		"Sampling Rate": "Fréquence d'échantillonnage", "Audio Length": "Durée audio",
		"Speakers and Accents": "Locuteurs et accents", "Voice Consent": "Consentement des voix",
		"Modalities": "Modalités", "Image Resolution": "Résolution d'image", "Environment": "Environnement",
		"Reward": "Récompense", "Algorithm": "Algorithme", "Safety Constraints": "Contraintes de sécurité",
		"Input Features": "Variables d'entrée", "Target": "Variable cible",
		"Forecast Horizon": "Horizon de prévision", "Drift Monitoring": "Surveillance de la dérive",
		"Inputs": "Entrées", "Outputs": "Sorties",
	},
	"de": {
		"Prompt Format": "Prompt-Format", "Context Length": "Kontextlänge",
		"Tokenizer": "Tokenizer", "Safety Evaluation": "Sicherheitsevaluierung",
		"Alignment and Fine-tuning": "Alignment und Feinabstimmung", "Labels": "Labels",
		"Maximum Sequence Length": "Maximale Sequenzlänge", "Embedding Dimension": "Embedding-Dimension",
		"Language Pairs": "Sprachpaare", "Maximum Input Length": "Maximale Eingabelänge",
		"Maximum Output Length": "Maximale Ausgabelänge", "Decoding": "Dekodierung",
		"Input Resolution": "Eingabeauflösung", "Image Preprocessing": "Bildvorverarbeitung",
		"Classes": "Klassen", "Backbone": "Backbone-Netz", "Output Resolution": "Ausgabeauflösung",
		"Sampler and Steps": "Sampler und Schritte", "Prompting": "Prompt-Gestaltung",
		"Content Safety": "Inhaltssicherheit", "Watermarking": "Wasserzeichen",
		"Sampling Rate": "Abtastrate", "Audio Length": "Audiolänge",
		"Speakers and Accents": "Sprecher und Akzente", "Voice Consent": "Einwilligung der Sprecher",
		"Modalities": "Modalitäten", "Image Resolution": "Bildauflösung", "Environment": "Umgebung",
		"Reward": "Belohnung", "Algorithm": "Algorithmus", "Safety Constraints": "Sicherheitsgrenzen",
		"Input Features": "Eingabemerkmale", "Target": "Zielgröße",
		"Forecast Horizon": "Prognosehorizont", "Drift Monitoring": "Drift-Überwachung",
		"Inputs": "Eingaben", "Outputs": "Ausgaben",
	},
	"ja": {
		"Prompt Format": "プロンプト形式", "Context Length": "コンテキスト長",
		"Tokenizer": "トークナイザー", "Safety Evaluation": "安全性評価",
		"Alignment and Fine-tuning": "アラインメントとファインチューニング", "Labels": "ラベル",
		"Maximum Sequence Length": "最大シーケンス長", "Embedding Dimension": "埋め込み次元",
		"Language Pairs": "言語ペア", "Maximum Input Length": "最大入力長",
		"Maximum Output Length": "最大出力長", "Decoding": "デコード",
		"Input Resolution": "入力解像度", "Image Preprocessing": "画像の前処理",
		"Classes": "クラス", "Backbone": "バックボーン", "Output Resolution": "出力解像度",
		"Sampler and Steps": "サンプラーとステップ数", "Prompting": "プロンプトの書き方",
		"Content Safety": "コンテンツの安全性", "Watermarking": "電子透かし",
		"Sampling Rate": "サンプリングレート", "Audio Length": "音声の長さ",
		"Speakers and Accents": "話者とアクセント", "Voice Consent": "音声提供者の同意",
		"Modalities": "モダリティ", "Image Resolution": "画像解像度", "Environment": "環境",
		"Reward": "報酬", "Algorithm": "アルゴリズム", "Safety Constraints": "安全上の制約",
		"Input Features": "入力特徴量", "Target": "目的変数",
		"Forecast Horizon": "予測期間", "Drift Monitoring": "ドリフトの監視",
		"Inputs": "入力", "Outputs": "出力",
	},
	"zh": {
		"Prompt Format": "提示词格式", "Context Length": "上下文长度",
		"Tokenizer": "分词器", "Safety Evaluation": "安全性评估",
		"Alignment and Fine-tuning": "对齐与微调", "Labels": "标签",
		"Maximum Sequence Length": "最大序列长度", "Embedding Dimension": "嵌入维度",
		"Language Pairs": "语言对", "Maximum Input Length": "最大输入长度",
		"Maximum Output Length": "最大输出长度", "Decoding": "解码",
		"Input Resolution": "输入分辨率", "Image Preprocessing": "图像预处理",
		"Classes": "类别", "Backbone": "骨干网络", "Output Resolution": "输出分辨率",
		"Sampler and Steps": "采样器与步数", "Prompting": "提示词写法",
		"Content Safety": "内容安全", "Watermarking": "水印",
		"Sampling Rate": "采样率", "Audio Length": "音频长度",
		"Speakers and Accents": "说话人与口音", "Voice Consent": "声音使用授权",
		"Modalities": "模态", "Image Resolution": "图像分辨率", "Environment": "环境",
		"Reward": "奖励", "Algorithm": "算法", "Safety Constraints": "安全约束",
		"Input Features": "输入特征", "Target": "目标变量",
		"Forecast Horizon": "预测范围", "Drift Monitoring": "漂移监控",
		"Inputs": "输入", "Outputs": "输出",
	},
}
