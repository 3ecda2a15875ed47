/* SPDX-License-Identifier: MIT */
/*
 * The `kcrash` Python module: libkcrash's public API (include/kcrash/) for
 * scripts, with the names a drgn user knows (Program, Object, Type,
 * prog["init_task"], obj.member, value_(), cast, container_of ...).
 *
 * The C types are here; the parts that are simplest in Python (the
 * exception classes, StackTrace, and the kcrash.helpers submodule) are
 * Python sources compiled into this module at build time (gen_source.py),
 * so a single file is importable from the build tree, installable, and
 * linkable into the kcrash binary (embed.c) without finding .py files.
 *
 * Only the public headers are used (tests check it).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/kcrash.h>
#include <kcrash/object.h>
#include <kcrash/commands.h>

#include "kcrash_python.h"
/* Generated from core.py and helpers.py (gen_source.py): in the build tree. */
#include <kcrash_python_sources.h>

/* Biggest prog.read() and value_() arrays: a corrupt length must not eat the host. */
#define READ_MAX (UINT64_C(256) << 20)
#define VALUE_ELEMENTS_MAX 65536
#define VALUE_DEPTH_MAX 32
#define STRING_LIMIT_DEFAULT 4096

/* Exception classes, defined by core.py in the module's namespace. */
static PyObject *Error, *FaultError, *NotFoundError, *ObjectNotFoundError,
	*TypeNotFoundError, *MemberNotFoundError;
/* core.py's StackTrace (a list with the unwind's end). */
static PyObject *StackTraceClass;

static PyTypeObject ProgramType, ObjectType, TypeType;
static PyTypeObject SymbolType, ThreadType, ModuleType, FrameType, MemberType;

typedef struct {
	PyObject_HEAD
	struct kc_session *session; /* NULL once closed */
	bool owned;                 /* kcrash.open()'s (the shell's is borrowed) */
} ProgramObject;

typedef struct {
	PyObject_HEAD
	ProgramObject *prog;
	struct kc_object obj;
} KcObject;

typedef struct {
	PyObject_HEAD
	ProgramObject *prog;
	struct kc_type type;
} KcType;

/* ---- errors ------------------------------------------------------------- */

static bool is_fault_code(enum kc_error_code code)
{
	return code == KC_ERR_FAULT || code == KC_ERR_NOT_IN_DUMP || code == KC_ERR_EXCLUDED ||
	       code == KC_ERR_TRUNCATED || code == KC_ERR_DECOMPRESS;
}

/*
 * Raise ERR as a Python exception (LOOKUP_CLASS for KC_ERR_LOOKUP, when
 * given) and free it; returns NULL for "return raise_error(...)".
 */
static PyObject *raise_error(struct kc_error *err, PyObject *lookup_class)
{
	const char *message = kc_error_message(err);
	PyObject *cls = Error, *exc = NULL;
	switch (err->code) {
	case KC_ERR_NOMEM:
		kc_error_destroy(err);
		return PyErr_NoMemory();
	case KC_ERR_INTERRUPTED:
		PyErr_SetString(PyExc_KeyboardInterrupt, message);
		kc_error_destroy(err);
		return NULL;
	case KC_ERR_LOOKUP:
		cls = lookup_class ? lookup_class : NotFoundError;
		break;
	default:
		break;
	}
	if (is_fault_code(err->code) && err->has_address)
		exc = PyObject_CallFunction(FaultError, "sK", message,
					    (unsigned long long)err->address);
	else
		exc = PyObject_CallFunction(cls, "s", message);
	if (exc) {
		PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
		Py_DECREF(exc);
	}
	kc_error_destroy(err);
	return NULL;
}

static bool check_open(ProgramObject *prog)
{
	if (prog->session)
		return true;
	PyErr_SetString(PyExc_ValueError, "the program is closed");
	return false;
}

/* ---- wrapping ----------------------------------------------------------- */

static PyObject *wrap_object(ProgramObject *prog, const struct kc_object *obj)
{
	KcObject *self = PyObject_New(KcObject, &ObjectType);
	if (!self)
		return NULL;
	Py_INCREF(prog);
	self->prog = prog;
	self->obj = *obj;
	return (PyObject *)self;
}

static PyObject *wrap_type(ProgramObject *prog, const struct kc_type *type)
{
	KcType *self = PyObject_New(KcType, &TypeType);
	if (!self)
		return NULL;
	Py_INCREF(prog);
	self->prog = prog;
	/* A declaration's members are the definition's (members, size). */
	if (prog->session)
		kc_object_complete_type(prog->session, type, &self->type);
	else
		self->type = *type;
	return (PyObject *)self;
}

/* A Type or a C type name ("struct task_struct") as a struct kc_type. */
static bool get_type(ProgramObject *prog, PyObject *arg, struct kc_type *ret)
{
	if (PyObject_TypeCheck(arg, &TypeType)) {
		*ret = ((KcType *)arg)->type;
		return true;
	}
	if (!PyUnicode_Check(arg)) {
		PyErr_Format(PyExc_TypeError, "expected a kcrash.Type or a type name, not %s",
			     Py_TYPE(arg)->tp_name);
		return false;
	}
	const char *name = PyUnicode_AsUTF8(arg);
	if (!name || !check_open(prog))
		return false;
	struct kc_error *err = kc_kernel_type(prog->session, name, ret);
	if (err) {
		raise_error(err, TypeNotFoundError);
		return false;
	}
	return true;
}

static bool get_object(PyObject *arg, KcObject **ret)
{
	if (!PyObject_TypeCheck(arg, &ObjectType)) {
		PyErr_Format(PyExc_TypeError, "expected a kcrash.Object, not %s",
			     Py_TYPE(arg)->tp_name);
		return false;
	}
	*ret = (KcObject *)arg;
	return check_open((*ret)->prog);
}

static PyObject *type_name_string(const struct kc_type *type)
{
	char name[512];
	kc_object_type_name(type, name, sizeof(name));
	return PyUnicode_FromString(name);
}

static const char *kind_name(enum kc_type_kind kind)
{
	switch (kind) {
	case KC_TYPE_VOID: return "void";
	case KC_TYPE_INT: return "int";
	case KC_TYPE_BOOL: return "bool";
	case KC_TYPE_CHAR: return "char";
	case KC_TYPE_FLOAT: return "float";
	case KC_TYPE_POINTER: return "pointer";
	case KC_TYPE_ARRAY: return "array";
	case KC_TYPE_STRUCT: return "struct";
	case KC_TYPE_UNION: return "union";
	case KC_TYPE_ENUM: return "enum";
	case KC_TYPE_FUNCTION: return "function";
	case KC_TYPE_TYPEDEF: return "typedef";
	case KC_TYPE_QUALIFIED: return "qualified";
	}
	return "unknown";
}

/* ---- Object ------------------------------------------------------------- */

static void object_dealloc(KcObject *self)
{
	Py_XDECREF(self->prog);
	PyObject_Free(self);
}

static PyObject *object_value(KcObject *self, const struct kc_object *obj, int depth);

/* A struct's members into DICT, anonymous members' members merged in. */
static bool struct_value(KcObject *self, const struct kc_object *obj, PyObject *dict,
			 int depth)
{
	struct kc_type t = kc_type_strip(&obj->type);
	struct kc_member_iter it;
	kc_member_iter_init(&it, &t);
	/* Bounded: corrupt types could claim any number of members. */
	for (int i = 0; i < 65536; i++) {
		struct kc_member m;
		bool done;
		struct kc_error *err = kc_member_iter_next(&it, &m, &done);
		if (err) {
			raise_error(err, NULL);
			return false;
		}
		if (done)
			return true;
		struct kc_object member;
		kc_object_at(obj->session, &m.type, obj->address + m.offset, &member);
		if (m.bit_size) {
			member.bit_offset = (uint8_t)(m.bit_offset - m.offset * 8);
			member.bit_size = (uint8_t)m.bit_size;
		}
		struct kc_type mt = kc_type_strip(&m.type);
		enum kc_type_kind kind = kc_type_kind(&mt);
		if (!m.name || !*m.name) {
			if ((kind == KC_TYPE_STRUCT || kind == KC_TYPE_UNION) &&
			    !struct_value(self, &member, dict, depth + 1))
				return false;
			continue;
		}
		PyObject *value = object_value(self, &member, depth + 1);
		if (!value)
			return false;
		int rc = PyDict_SetItemString(dict, m.name, value);
		Py_DECREF(value);
		if (rc < 0)
			return false;
	}
	PyErr_SetString(Error, "more than 65536 members");
	return false;
}

static PyObject *object_value(KcObject *self, const struct kc_object *obj, int depth)
{
	struct kc_type t = kc_type_strip(&obj->type);
	enum kc_type_kind kind = kc_type_kind(&t);
	struct kc_error *err;
	if (depth > VALUE_DEPTH_MAX) {
		PyErr_SetString(Error, "value_(): types nested too deep");
		return NULL;
	}
	switch (kind) {
	case KC_TYPE_POINTER:
	case KC_TYPE_BOOL:
	case KC_TYPE_INT:
	case KC_TYPE_CHAR:
	case KC_TYPE_ENUM: {
		uint64_t size;
		err = kc_type_size(&t, &size);
		if (err)
			return raise_error(err, NULL);
		if (size > 8 && size <= 64 && !obj->bit_size) {
			/* __int128 and the like: through the bytes. */
			uint8_t bytes[64];
			err = kc_object_read_bytes(obj, bytes, sizeof(bytes), NULL);
			if (err)
				return raise_error(err, NULL);
			return _PyLong_FromByteArray(bytes, (size_t)size, 1, kc_type_is_signed(&t));
		}
		if (kind == KC_TYPE_POINTER || !kc_type_is_signed(&t)) {
			uint64_t v;
			err = kc_object_read_unsigned(obj, &v);
			if (err)
				return raise_error(err, NULL);
			if (kind == KC_TYPE_BOOL)
				return PyBool_FromLong(v != 0);
			return PyLong_FromUnsignedLongLong(v);
		}
		int64_t v;
		err = kc_object_read_signed(obj, &v);
		if (err)
			return raise_error(err, NULL);
		return PyLong_FromLongLong(v);
	}
	case KC_TYPE_FLOAT: {
		uint8_t bytes[8];
		size_t size;
		err = kc_object_read_bytes(obj, bytes, sizeof(bytes), &size);
		if (err)
			return raise_error(err, NULL);
		if (size == 4) {
			float f;
			memcpy(&f, bytes, 4);
			return PyFloat_FromDouble(f);
		}
		if (size == 8) {
			double d;
			memcpy(&d, bytes, 8);
			return PyFloat_FromDouble(d);
		}
		PyErr_Format(Error, "float of %zu bytes", size);
		return NULL;
	}
	case KC_TYPE_STRUCT:
	case KC_TYPE_UNION: {
		PyObject *dict = PyDict_New();
		if (dict && !struct_value(self, obj, dict, depth)) {
			Py_DECREF(dict);
			return NULL;
		}
		return dict;
	}
	case KC_TYPE_ARRAY: {
		struct kc_type element;
		uint64_t length;
		bool complete;
		err = kc_type_array(&t, &element, &length, &complete);
		if (err)
			return raise_error(err, NULL);
		if (!complete)
			return PyList_New(0); /* a flexible array member: its length is the code's */
		if (length > VALUE_ELEMENTS_MAX) {
			PyErr_Format(Error, "value_(): an array of %llu elements (at most %d)",
				     (unsigned long long)length, VALUE_ELEMENTS_MAX);
			return NULL;
		}
		PyObject *list = PyList_New((Py_ssize_t)length);
		for (uint64_t i = 0; list && i < length; i++) {
			struct kc_object item;
			err = kc_object_index(obj, (int64_t)i, &item);
			PyObject *value = err ? raise_error(err, NULL) :
						object_value(self, &item, depth + 1);
			if (!value) {
				Py_DECREF(list);
				return NULL;
			}
			PyList_SET_ITEM(list, (Py_ssize_t)i, value);
		}
		return list;
	}
	default: {
		char name[256];
		kc_object_type_name(&obj->type, name, sizeof(name));
		PyErr_Format(Error, "%s has no value", name);
		return NULL;
	}
	}
}

static PyObject *object_value_(KcObject *self, PyObject *unused)
{
	(void)unused;
	if (!check_open(self->prog))
		return NULL;
	return object_value(self, &self->obj, 0);
}

static PyObject *object_member_(KcObject *self, PyObject *arg)
{
	const char *path = PyUnicode_AsUTF8(arg);
	if (!path || !check_open(self->prog))
		return NULL;
	struct kc_object member;
	struct kc_error *err = kc_object_member(&self->obj, path, &member);
	if (err)
		return raise_error(err, MemberNotFoundError);
	return wrap_object(self->prog, &member);
}

static PyObject *object_getattro(KcObject *self, PyObject *name)
{
	PyObject *found = PyObject_GenericGetAttr((PyObject *)self, name);
	if (found || !PyErr_ExceptionMatches(PyExc_AttributeError))
		return found;
	const char *text = PyUnicode_AsUTF8(name);
	/* Dunder probes (copy, pickle, IPython) are not kernel members. */
	if (!text || (text[0] == '_' && text[1] == '_' && strstr(text + 2, "__")))
		return NULL;
	PyErr_Clear();
	return object_member_(self, name);
}

static PyObject *object_deref_(KcObject *self, PyObject *unused)
{
	(void)unused;
	if (!check_open(self->prog))
		return NULL;
	struct kc_object target;
	struct kc_error *err = kc_object_deref(&self->obj, &target);
	return err ? raise_error(err, NULL) : wrap_object(self->prog, &target);
}

static PyObject *object_address_of_(KcObject *self, PyObject *unused)
{
	(void)unused;
	if (!check_open(self->prog))
		return NULL;
	struct kc_object ptr;
	struct kc_error *err = kc_object_address_of(&self->obj, &ptr);
	return err ? raise_error(err, NULL) : wrap_object(self->prog, &ptr);
}

/* The value of a scalar reference as a computed object (drgn's read_()). */
static PyObject *object_read_(KcObject *self, PyObject *unused)
{
	(void)unused;
	if (!check_open(self->prog))
		return NULL;
	if (!self->obj.is_reference) {
		Py_INCREF(self);
		return (PyObject *)self;
	}
	uint64_t raw;
	struct kc_object value;
	struct kc_error *err = kc_object_read_unsigned(&self->obj, &raw);
	if (!err)
		err = kc_object_from_integer(self->obj.session, &self->obj.type, raw, &value);
	return err ? raise_error(err, NULL) : wrap_object(self->prog, &value);
}

static PyObject *object_string_(KcObject *self, PyObject *args, PyObject *kwargs)
{
	static char *keywords[] = {"limit", NULL};
	Py_ssize_t limit = STRING_LIMIT_DEFAULT;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|n:string_", keywords, &limit))
		return NULL;
	if (!check_open(self->prog))
		return NULL;
	if (limit < 1 || (uint64_t)limit > READ_MAX) {
		PyErr_SetString(PyExc_ValueError, "limit out of range");
		return NULL;
	}
	char *buf = malloc((size_t)limit + 1);
	if (!buf)
		return PyErr_NoMemory();
	size_t length = 0;
	struct kc_error *err = kc_object_read_string(&self->obj, buf, (size_t)limit + 1, &length);
	PyObject *ret = err ? raise_error(err, NULL) :
			      PyBytes_FromStringAndSize(buf, (Py_ssize_t)length);
	free(buf);
	return ret;
}

static PyObject *object_to_bytes_(KcObject *self, PyObject *unused)
{
	(void)unused;
	if (!check_open(self->prog))
		return NULL;
	uint64_t size;
	struct kc_error *err = kc_object_size(&self->obj, &size);
	if (err)
		return raise_error(err, NULL);
	if (size > READ_MAX) {
		PyErr_Format(Error, "object of %" PRIu64 " bytes is too big", size);
		return NULL;
	}
	PyObject *bytes = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)size);
	if (!bytes)
		return NULL;
	err = kc_object_read_bytes(&self->obj, PyBytes_AS_STRING(bytes), (size_t)size, NULL);
	if (err) {
		Py_DECREF(bytes);
		return raise_error(err, NULL);
	}
	return bytes;
}

static PyObject *object_per_cpu_(KcObject *self, PyObject *arg)
{
	unsigned long cpu = PyLong_AsUnsignedLong(arg);
	if (PyErr_Occurred() || !check_open(self->prog))
		return NULL;
	struct kc_object moved;
	struct kc_error *err = kc_object_kind(&self->obj) == KC_TYPE_POINTER &&
				       !self->obj.is_reference ?
		kc_object_per_cpu_ptr(&self->obj, (unsigned)cpu, &moved) :
		kc_object_per_cpu(&self->obj, (unsigned)cpu, &moved);
	return err ? raise_error(err, NULL) : wrap_object(self->prog, &moved);
}

static PyObject *object_get_address(KcObject *self, void *closure)
{
	(void)closure;
	if (!self->obj.is_reference)
		Py_RETURN_NONE;
	return PyLong_FromUnsignedLongLong(self->obj.address);
}

static PyObject *object_get_type(KcObject *self, void *closure)
{
	(void)closure;
	return wrap_type(self->prog, &self->obj.type);
}

static PyObject *object_get_prog(KcObject *self, void *closure)
{
	(void)closure;
	Py_INCREF(self->prog);
	return (PyObject *)self->prog;
}

static PyObject *object_get_bit_offset(KcObject *self, void *closure)
{
	(void)closure;
	if (!self->obj.bit_size)
		Py_RETURN_NONE;
	return PyLong_FromLong(self->obj.bit_offset);
}

static PyObject *object_get_bit_size(KcObject *self, void *closure)
{
	(void)closure;
	if (!self->obj.bit_size)
		Py_RETURN_NONE;
	return PyLong_FromLong(self->obj.bit_size);
}

static bool is_scalar(const struct kc_object *obj)
{
	enum kc_type_kind kind = kc_object_kind(obj);
	return kind == KC_TYPE_INT || kind == KC_TYPE_BOOL || kind == KC_TYPE_CHAR ||
	       kind == KC_TYPE_ENUM || kind == KC_TYPE_POINTER;
}

/* int(obj) of a scalar (signed as its type is). */
static PyObject *object_int(KcObject *self)
{
	if (!check_open(self->prog))
		return NULL;
	if (!is_scalar(&self->obj)) {
		char name[256];
		kc_object_type_name(&self->obj.type, name, sizeof(name));
		PyErr_Format(PyExc_TypeError, "cannot convert %s to int", name);
		return NULL;
	}
	return object_value(self, &self->obj, 0);
}

static int object_bool(KcObject *self)
{
	PyObject *value = object_int(self);
	if (!value)
		return -1;
	int truth = PyObject_IsTrue(value);
	Py_DECREF(value);
	return truth;
}

static PyObject *object_richcompare(PyObject *a, PyObject *b, int op)
{
	PyObject *left = NULL, *right = NULL, *ret = NULL;
	if (PyObject_TypeCheck(a, &ObjectType) && !is_scalar(&((KcObject *)a)->obj))
		Py_RETURN_NOTIMPLEMENTED;
	if (PyObject_TypeCheck(b, &ObjectType) && !is_scalar(&((KcObject *)b)->obj))
		Py_RETURN_NOTIMPLEMENTED;
	left = PyNumber_Index(a);
	if (left)
		right = PyNumber_Index(b);
	if (!left || !right) {
		if (PyErr_ExceptionMatches(PyExc_TypeError)) {
			PyErr_Clear();
			ret = Py_NewRef(Py_NotImplemented);
		}
	} else {
		ret = PyObject_RichCompare(left, right, op);
	}
	Py_XDECREF(left);
	Py_XDECREF(right);
	return ret;
}

static Py_hash_t object_hash(KcObject *self)
{
	PyObject *value = object_int(self);
	if (!value)
		return -1;
	Py_hash_t hash = PyObject_Hash(value);
	Py_DECREF(value);
	return hash;
}

/* ptr + n, ptr - n (scaled by the pointed-to size), ptr - ptr (elements). */
static PyObject *pointer_arithmetic(PyObject *a, PyObject *b, int sign)
{
	KcObject *ptr = (KcObject *)a;
	struct kc_type t = kc_type_strip(&ptr->obj.type), target;
	struct kc_error *err = kc_type_target(&t, &target);
	uint64_t size = 1, base;
	if (!err && kc_type_kind(&target) != KC_TYPE_VOID)
		err = kc_type_size(&target, &size);
	if (!err)
		err = kc_object_read_unsigned(&ptr->obj, &base);
	if (err)
		return raise_error(err, NULL);
	if (sign < 0 && PyObject_TypeCheck(b, &ObjectType) &&
	    kc_object_kind(&((KcObject *)b)->obj) == KC_TYPE_POINTER) {
		uint64_t other;
		err = kc_object_read_unsigned(&((KcObject *)b)->obj, &other);
		if (err)
			return raise_error(err, NULL);
		return PyLong_FromLongLong((int64_t)(base - other) / (int64_t)(size ? size : 1));
	}
	PyObject *index = PyNumber_Index(b);
	if (!index)
		return NULL;
	long long n = PyLong_AsLongLong(index);
	Py_DECREF(index);
	if (n == -1 && PyErr_Occurred())
		return NULL;
	struct kc_object moved;
	err = kc_object_from_integer(ptr->obj.session, &ptr->obj.type,
				     base + (uint64_t)(sign * n) * size, &moved);
	return err ? raise_error(err, NULL) : wrap_object(ptr->prog, &moved);
}

/* Integer operators through int(obj): the result is a Python int. */
static PyObject *through_int(PyObject *a, PyObject *b, PyObject *(*op)(PyObject *, PyObject *))
{
	PyObject *left = PyNumber_Index(a), *right = left ? PyNumber_Index(b) : NULL, *ret = NULL;
	if (left && right)
		ret = op(left, right);
	else if (PyErr_ExceptionMatches(PyExc_TypeError)) {
		PyErr_Clear();
		ret = Py_NewRef(Py_NotImplemented);
	}
	Py_XDECREF(left);
	Py_XDECREF(right);
	return ret;
}

static bool is_pointer_object(PyObject *o)
{
	return PyObject_TypeCheck(o, &ObjectType) &&
	       kc_object_kind(&((KcObject *)o)->obj) == KC_TYPE_POINTER;
}

static PyObject *object_add(PyObject *a, PyObject *b)
{
	if (is_pointer_object(a))
		return pointer_arithmetic(a, b, 1);
	if (is_pointer_object(b))
		return pointer_arithmetic(b, a, 1);
	return through_int(a, b, PyNumber_Add);
}

static PyObject *object_subtract(PyObject *a, PyObject *b)
{
	if (is_pointer_object(a))
		return pointer_arithmetic(a, b, -1);
	return through_int(a, b, PyNumber_Subtract);
}

static PyObject *object_and(PyObject *a, PyObject *b) { return through_int(a, b, PyNumber_And); }
static PyObject *object_or(PyObject *a, PyObject *b) { return through_int(a, b, PyNumber_Or); }
static PyObject *object_xor(PyObject *a, PyObject *b) { return through_int(a, b, PyNumber_Xor); }
static PyObject *object_lshift(PyObject *a, PyObject *b) { return through_int(a, b, PyNumber_Lshift); }
static PyObject *object_rshift(PyObject *a, PyObject *b) { return through_int(a, b, PyNumber_Rshift); }
static PyObject *object_multiply(PyObject *a, PyObject *b) { return through_int(a, b, PyNumber_Multiply); }
static PyObject *object_floor_divide(PyObject *a, PyObject *b) { return through_int(a, b, PyNumber_FloorDivide); }
static PyObject *object_remainder(PyObject *a, PyObject *b) { return through_int(a, b, PyNumber_Remainder); }

static PyObject *object_subscript(KcObject *self, PyObject *key)
{
	if (!check_open(self->prog))
		return NULL;
	PyObject *index = PyNumber_Index(key);
	if (!index)
		return NULL;
	long long i = PyLong_AsLongLong(index);
	Py_DECREF(index);
	if (i == -1 && PyErr_Occurred())
		return NULL;
	struct kc_object element;
	struct kc_error *err = kc_object_index(&self->obj, i, &element);
	if (err && err->code == KC_ERR_INVALID_ARG && kc_object_kind(&self->obj) == KC_TYPE_ARRAY &&
	    strstr(kc_error_message(err), "out of bounds")) {
		PyErr_SetString(PyExc_IndexError, kc_error_message(err));
		kc_error_destroy(err);
		return NULL;
	}
	return err ? raise_error(err, NULL) : wrap_object(self->prog, &element);
}

/* The length of a complete array object; -1 with a TypeError otherwise. */
static Py_ssize_t object_length(KcObject *self)
{
	struct kc_type t = kc_type_strip(&self->obj.type), element;
	uint64_t length;
	bool complete;
	if (kc_type_kind(&t) == KC_TYPE_ARRAY) {
		struct kc_error *err = kc_type_array(&t, &element, &length, &complete);
		if (err) {
			raise_error(err, NULL);
			return -1;
		}
		if (complete && length <= PY_SSIZE_T_MAX)
			return (Py_ssize_t)length;
	}
	char name[256];
	kc_object_type_name(&self->obj.type, name, sizeof(name));
	PyErr_Format(PyExc_TypeError, "%s has no length", name);
	return -1;
}

/* Iterating an array gives its elements (a pointer is not iterable: no end). */
static PyObject *object_iter(KcObject *self)
{
	Py_ssize_t length = object_length(self);
	if (length < 0)
		return NULL;
	PyObject *list = PyList_New(length);
	for (Py_ssize_t i = 0; list && i < length; i++) {
		struct kc_object element;
		struct kc_error *err = kc_object_index(&self->obj, i, &element);
		PyObject *item = err ? raise_error(err, NULL) : wrap_object(self->prog, &element);
		if (!item) {
			Py_DECREF(list);
			return NULL;
		}
		PyList_SET_ITEM(list, i, item);
	}
	if (!list)
		return NULL;
	PyObject *it = PyObject_GetIter(list);
	Py_DECREF(list);
	return it;
}

static PyObject *object_repr(KcObject *self)
{
	char name[512], text[768];
	kc_object_type_name(&self->obj.type, name, sizeof(name));
	if (self->obj.is_reference && self->obj.bit_size)
		snprintf(text, sizeof(text),
			 "Object(prog, '%s', address=0x%" PRIx64 ", bit_offset=%d, bit_field_size=%d)",
			 name, self->obj.address, self->obj.bit_offset, self->obj.bit_size);
	else if (self->obj.is_reference)
		snprintf(text, sizeof(text), "Object(prog, '%s', address=0x%" PRIx64 ")", name,
			 self->obj.address);
	else if (kc_object_kind(&self->obj) == KC_TYPE_POINTER)
		snprintf(text, sizeof(text), "Object(prog, '%s', value=0x%" PRIx64 ")", name,
			 self->obj.value);
	else {
		PyObject *value = object_value(self, &self->obj, 0);
		if (!value)
			return NULL;
		PyObject *ret = PyUnicode_FromFormat("Object(prog, '%s', value=%R)", name, value);
		Py_DECREF(value);
		return ret;
	}
	return PyUnicode_FromString(text);
}

/* dir(obj): the methods plus the members of a struct (or pointed-to struct). */
static PyObject *object_dir(KcObject *self, PyObject *unused)
{
	(void)unused;
	PyObject *names = NULL, *base = PyObject_GetAttrString((PyObject *)&PyBaseObject_Type,
								 "__dir__");
	if (base) {
		names = PyObject_CallOneArg(base, (PyObject *)self);
		Py_DECREF(base);
	}
	if (!names)
		return NULL;
	struct kc_type t = kc_type_strip(&self->obj.type);
	if (kc_type_kind(&t) == KC_TYPE_POINTER) {
		struct kc_type target;
		struct kc_error *err = kc_type_target(&t, &target);
		if (err)
			kc_error_destroy(err);
		else
			t = kc_type_strip(&target);
	}
	struct kc_member_iter it;
	kc_member_iter_init(&it, &t);
	for (int i = 0; i < 65536; i++) {
		struct kc_member m;
		bool done;
		struct kc_error *err = kc_member_iter_next(&it, &m, &done);
		if (err) {
			kc_error_destroy(err);
			break;
		}
		if (done)
			break;
		if (!m.name || !*m.name)
			continue;
		PyObject *name = PyUnicode_FromString(m.name);
		if (!name || PyList_Append(names, name) < 0) {
			Py_XDECREF(name);
			Py_DECREF(names);
			return NULL;
		}
		Py_DECREF(name);
	}
	return names;
}

/* kcrash.Object(prog, type, value=None, *, address=None) */
static PyObject *object_new(PyTypeObject *cls, PyObject *args, PyObject *kwargs)
{
	(void)cls;
	static char *keywords[] = {"prog", "type", "value", "address", NULL};
	PyObject *prog_arg, *type_arg, *value = Py_None, *address = Py_None;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!O|O$O:Object", keywords, &ProgramType,
					 &prog_arg, &type_arg, &value, &address))
		return NULL;
	ProgramObject *prog = (ProgramObject *)prog_arg;
	struct kc_type type;
	if (!get_type(prog, type_arg, &type))
		return NULL;
	if ((value == Py_None) == (address == Py_None)) {
		PyErr_SetString(PyExc_ValueError, "Object(): give one of value= or address=");
		return NULL;
	}
	PyObject *index = PyNumber_Index(value != Py_None ? value : address);
	if (!index)
		return NULL;
	uint64_t number = PyLong_AsUnsignedLongLongMask(index);
	Py_DECREF(index);
	if (PyErr_Occurred())
		return NULL;
	struct kc_object obj;
	struct kc_error *err = value != Py_None ?
		kc_object_from_integer(prog->session, &type, number, &obj) :
		kc_object_at(prog->session, &type, number, &obj);
	return err ? raise_error(err, NULL) : wrap_object(prog, &obj);
}

static PyMethodDef object_methods[] = {
	{"member_", (PyCFunction)object_member_, METH_O,
	 "member_(path) -> Object: the member at PATH (\"se.on_rq\", \"mm->pgd\"); a pointer to a struct is dereferenced first"},
	{"value_", (PyCFunction)object_value_, METH_NOARGS,
	 "value_() -> int, bool, float, dict (struct) or list (array): the value read from the dump"},
	{"string_", (PyCFunction)(void (*)(void))object_string_, METH_VARARGS | METH_KEYWORDS,
	 "string_(limit=4096) -> bytes: a char array's or char pointer's C string"},
	{"deref_", (PyCFunction)object_deref_, METH_NOARGS,
	 "deref_() -> Object: *ptr (or an array's first element)"},
	{"address_of_", (PyCFunction)object_address_of_, METH_NOARGS,
	 "address_of_() -> Object: &obj, a pointer"},
	{"read_", (PyCFunction)object_read_, METH_NOARGS,
	 "read_() -> Object: a scalar's value, read now, as an object not in memory"},
	{"to_bytes_", (PyCFunction)object_to_bytes_, METH_NOARGS,
	 "to_bytes_() -> bytes: the object's memory"},
	{"per_cpu_", (PyCFunction)object_per_cpu_, METH_O,
	 "per_cpu_(cpu) -> Object: per_cpu(var, cpu) for a variable, per_cpu_ptr(ptr, cpu) for a pointer value"},
	{"__dir__", (PyCFunction)object_dir, METH_NOARGS, NULL},
	{NULL, NULL, 0, NULL},
};

static PyGetSetDef object_getset[] = {
	{"address_", (getter)object_get_address, NULL,
	 "the object's address in the dump, or None for a value not in memory", NULL},
	{"type_", (getter)object_get_type, NULL, "the object's Type", NULL},
	{"prog_", (getter)object_get_prog, NULL, "the Program the object belongs to", NULL},
	{"bit_offset_", (getter)object_get_bit_offset, NULL,
	 "a bitfield's first bit within the byte at address_, else None", NULL},
	{"bit_field_size_", (getter)object_get_bit_size, NULL,
	 "a bitfield's width in bits, else None", NULL},
	{NULL, NULL, NULL, NULL, NULL},
};

static PyNumberMethods object_as_number = {
	.nb_add = object_add,
	.nb_subtract = object_subtract,
	.nb_multiply = object_multiply,
	.nb_floor_divide = object_floor_divide,
	.nb_remainder = object_remainder,
	.nb_and = object_and,
	.nb_or = object_or,
	.nb_xor = object_xor,
	.nb_lshift = object_lshift,
	.nb_rshift = object_rshift,
	.nb_bool = (inquiry)object_bool,
	.nb_int = (unaryfunc)object_int,
	.nb_index = (unaryfunc)object_int,
};

static PyMappingMethods object_as_mapping = {
	.mp_length = (lenfunc)object_length,
	.mp_subscript = (binaryfunc)object_subscript,
};

static PyTypeObject ObjectType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "kcrash.Object",
	.tp_basicsize = sizeof(KcObject),
	.tp_dealloc = (destructor)object_dealloc,
	.tp_repr = (reprfunc)object_repr,
	.tp_as_number = &object_as_number,
	.tp_as_mapping = &object_as_mapping,
	.tp_hash = (hashfunc)object_hash,
	.tp_getattro = (getattrofunc)object_getattro,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "Object(prog, type, value=None, *, address=None): a value of a kernel type,\n"
		  "in the dump at an address or computed. Attribute access reads members\n"
		  "(obj.tasks.next); methods and attributes end in '_' (value_(), address_).",
	.tp_richcompare = object_richcompare,
	.tp_iter = (getiterfunc)object_iter,
	.tp_methods = object_methods,
	.tp_getset = object_getset,
	.tp_new = object_new,
};

/* ---- Type --------------------------------------------------------------- */

static void type_dealloc(KcType *self)
{
	Py_XDECREF(self->prog);
	PyObject_Free(self);
}

static PyObject *type_repr(KcType *self)
{
	char name[512];
	kc_object_type_name(&self->type, name, sizeof(name));
	return PyUnicode_FromFormat("prog.type('%s')", name);
}

static PyObject *type_str(KcType *self)
{
	return type_name_string(&self->type);
}

static PyObject *type_get_name(KcType *self, void *closure)
{
	(void)closure;
	return type_name_string(&self->type);
}

static PyObject *type_get_tag(KcType *self, void *closure)
{
	(void)closure;
	enum kc_type_kind kind = kc_type_kind(&self->type);
	const char *name = kind == KC_TYPE_VOID ? "void" : kc_type_name(&self->type);
	if (!name)
		Py_RETURN_NONE;
	return PyUnicode_FromString(name);
}

static PyObject *type_get_kind(KcType *self, void *closure)
{
	(void)closure;
	return PyUnicode_FromString(kind_name(kc_type_kind(&self->type)));
}

static PyObject *type_get_size(KcType *self, void *closure)
{
	(void)closure;
	uint64_t size;
	struct kc_error *err = kc_type_size(&self->type, &size);
	if (err) {
		kc_error_destroy(err);
		Py_RETURN_NONE;
	}
	return PyLong_FromUnsignedLongLong(size);
}

static PyObject *type_get_is_signed(KcType *self, void *closure)
{
	(void)closure;
	return PyBool_FromLong(kc_type_is_signed(&self->type));
}

/* The type a pointer, typedef, qualifier, array or function refers to. */
static PyObject *type_get_target(KcType *self, void *closure)
{
	(void)closure;
	struct kc_type target;
	uint64_t length;
	bool complete;
	struct kc_error *err;
	if (kc_type_kind(&self->type) == KC_TYPE_ARRAY)
		err = kc_type_array(&self->type, &target, &length, &complete);
	else if (kc_type_kind(&self->type) == KC_TYPE_VOID)
		Py_RETURN_NONE;
	else
		err = kc_type_target(&self->type, &target);
	if (err) {
		kc_error_destroy(err);
		Py_RETURN_NONE;
	}
	return wrap_type(self->prog, &target);
}

static PyObject *type_get_length(KcType *self, void *closure)
{
	(void)closure;
	struct kc_type element;
	uint64_t length;
	bool complete;
	if (kc_type_kind(&self->type) != KC_TYPE_ARRAY)
		Py_RETURN_NONE;
	struct kc_error *err = kc_type_array(&self->type, &element, &length, &complete);
	if (err || !complete) {
		kc_error_destroy(err);
		Py_RETURN_NONE;
	}
	return PyLong_FromUnsignedLongLong(length);
}

static PyObject *make_member(KcType *self, const struct kc_member *m)
{
	PyObject *member = PyStructSequence_New(&MemberType);
	if (!member)
		return NULL;
	PyObject *name = m->name ? PyUnicode_FromString(m->name) : Py_NewRef(Py_None);
	PyObject *type = wrap_type(self->prog, &m->type);
	PyObject *offset = PyLong_FromUnsignedLongLong(m->offset);
	PyObject *bit_offset = PyLong_FromUnsignedLongLong(m->bit_offset);
	PyObject *bit_size = m->bit_size ? PyLong_FromUnsignedLongLong(m->bit_size) :
					   Py_NewRef(Py_None);
	PyObject *fields[] = {name, type, offset, bit_offset, bit_size};
	for (int i = 0; i < 5; i++) {
		if (!fields[i]) {
			for (int j = 0; j < 5; j++)
				Py_XDECREF(fields[j]);
			Py_DECREF(member);
			return NULL;
		}
	}
	for (int i = 0; i < 5; i++)
		PyStructSequence_SET_ITEM(member, i, fields[i]);
	return member;
}

/* The direct members (anonymous ones with name None), of the stripped type. */
static PyObject *type_get_members(KcType *self, void *closure)
{
	(void)closure;
	struct kc_type t = kc_type_strip(&self->type);
	enum kc_type_kind kind = kc_type_kind(&t);
	if (kind != KC_TYPE_STRUCT && kind != KC_TYPE_UNION)
		Py_RETURN_NONE;
	PyObject *list = PyList_New(0);
	struct kc_member_iter it;
	kc_member_iter_init(&it, &t);
	for (int i = 0; list && i < 65536; i++) {
		struct kc_member m;
		bool done;
		struct kc_error *err = kc_member_iter_next(&it, &m, &done);
		if (err) {
			Py_DECREF(list);
			return raise_error(err, NULL);
		}
		if (done)
			break;
		PyObject *member = make_member(self, &m);
		if (!member || PyList_Append(list, member) < 0) {
			Py_XDECREF(member);
			Py_DECREF(list);
			return NULL;
		}
		Py_DECREF(member);
	}
	return list;
}

static PyObject *type_get_enumerators(KcType *self, void *closure)
{
	(void)closure;
	struct kc_type t = kc_type_strip(&self->type);
	if (kc_type_kind(&t) != KC_TYPE_ENUM)
		Py_RETURN_NONE;
	PyObject *list = PyList_New(0);
	struct kc_enumerator_iter it;
	kc_enumerator_iter_init(&it, &t);
	for (int i = 0; list && i < 65536; i++) {
		const char *name;
		int64_t value;
		bool done;
		struct kc_error *err = kc_enumerator_iter_next(&it, &name, &value, &done);
		if (err) {
			Py_DECREF(list);
			return raise_error(err, NULL);
		}
		if (done)
			break;
		PyObject *pair = Py_BuildValue("(sL)", name ? name : "", (long long)value);
		if (!pair || PyList_Append(list, pair) < 0) {
			Py_XDECREF(pair);
			Py_DECREF(list);
			return NULL;
		}
		Py_DECREF(pair);
	}
	return list;
}

/* type.member(path) -> TypeMember (offsets from the type's start). */
static PyObject *type_member(KcType *self, PyObject *arg)
{
	const char *path = PyUnicode_AsUTF8(arg);
	if (!path)
		return NULL;
	struct kc_member m;
	struct kc_error *err = kc_type_member(&self->type, path, &m);
	if (err)
		return raise_error(err, MemberNotFoundError);
	return make_member(self, &m);
}

static PyObject *type_has_member(KcType *self, PyObject *arg)
{
	const char *path = PyUnicode_AsUTF8(arg);
	if (!path)
		return NULL;
	return PyBool_FromLong(kc_type_has_member(&self->type, path));
}

static PyObject *type_strip(KcType *self, PyObject *unused)
{
	(void)unused;
	struct kc_type t = kc_type_strip(&self->type);
	return wrap_type(self->prog, &t);
}

static PyObject *type_pointer(KcType *self, PyObject *unused)
{
	(void)unused;
	if (!check_open(self->prog))
		return NULL;
	struct kc_types *types;
	struct kc_type ptr;
	struct kc_error *err = kc_session_types(self->prog->session, &types);
	if (!err)
		err = kc_types_pointer_to(types, &self->type, &ptr);
	return err ? raise_error(err, NULL) : wrap_type(self->prog, &ptr);
}

static PyObject *type_richcompare(PyObject *a, PyObject *b, int op)
{
	if (!PyObject_TypeCheck(b, &TypeType) || (op != Py_EQ && op != Py_NE))
		Py_RETURN_NOTIMPLEMENTED;
	/* Same spelling and size: the same C type for a script's purposes. */
	char na[512], nb[512];
	kc_object_type_name(&((KcType *)a)->type, na, sizeof(na));
	kc_object_type_name(&((KcType *)b)->type, nb, sizeof(nb));
	bool equal = strcmp(na, nb) == 0;
	return PyBool_FromLong(op == Py_EQ ? equal : !equal);
}

static PyMethodDef type_methods[] = {
	{"member", (PyCFunction)type_member, METH_O,
	 "member(path) -> TypeMember(name, type, offset, bit_offset, bit_field_size)"},
	{"has_member", (PyCFunction)type_has_member, METH_O, "has_member(path) -> bool"},
	{"strip", (PyCFunction)type_strip, METH_NOARGS,
	 "strip() -> Type: without typedefs and qualifiers"},
	{"pointer", (PyCFunction)type_pointer, METH_NOARGS, "pointer() -> Type: a pointer to this type"},
	{NULL, NULL, 0, NULL},
};

static PyGetSetDef type_getset[] = {
	{"name", (getter)type_get_name, NULL, "the type as C spells it: 'struct task_struct *'", NULL},
	{"tag", (getter)type_get_tag, NULL, "the type's own name ('task_struct'), None if anonymous", NULL},
	{"kind", (getter)type_get_kind, NULL,
	 "'struct', 'union', 'enum', 'int', 'bool', 'char', 'float', 'pointer', 'array', 'function', 'typedef', 'qualified' or 'void'",
	 NULL},
	{"size", (getter)type_get_size, NULL, "sizeof, or None (void, function, incomplete)", NULL},
	{"is_signed", (getter)type_get_is_signed, NULL, "a signed integer type", NULL},
	{"type", (getter)type_get_target, NULL,
	 "what a pointer, typedef, qualifier or array refers to, a function's return type", NULL},
	{"length", (getter)type_get_length, NULL, "an array's length, None if unknown", NULL},
	{"members", (getter)type_get_members, NULL,
	 "a struct's or union's members as TypeMember tuples, else None", NULL},
	{"enumerators", (getter)type_get_enumerators, NULL, "an enum's (name, value) pairs, else None",
	 NULL},
	{NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject TypeType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "kcrash.Type",
	.tp_basicsize = sizeof(KcType),
	.tp_dealloc = (destructor)type_dealloc,
	.tp_repr = (reprfunc)type_repr,
	.tp_str = (reprfunc)type_str,
	.tp_hash = PyObject_HashNotImplemented,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "A kernel type (from the vmlinux's DWARF or BTF): prog.type('struct task_struct').",
	.tp_richcompare = type_richcompare,
	.tp_methods = type_methods,
	.tp_getset = type_getset,
};

/* ---- struct sequences --------------------------------------------------- */

static PyStructSequence_Field symbol_fields[] = {
	{"name", "the symbol's name"},
	{"address", "its run-time address"},
	{"size", "its size in bytes (st_size, else the distance to the next symbol)"},
	{"offset", "the looked-up address less the symbol's (0 for a lookup by name)"},
	{"module", "the module's name, None for the vmlinux"},
	{"type", "the nm letter ('T', 'd', ...)"},
	{NULL, NULL},
};
static PyStructSequence_Desc symbol_desc = {"kcrash.Symbol", "A kernel or module symbol.",
					    symbol_fields, 6};

static PyStructSequence_Field thread_fields[] = {
	{"tid", "the task's pid (a thread id)"},
	{"pid", "its tgid (the process id)"},
	{"ppid", "its real parent's tgid (-1 when unreadable)"},
	{"comm", "its name"},
	{"cpu", "the CPU it last ran on (-1 when unknown)"},
	{"state", "crash's two-letter state: RU, IN, UN, ID, ZO, ST, ..."},
	{"address", "the struct task_struct's address"},
	{"object", "the task as an Object (struct task_struct *)"},
	{"active", "running on a CPU at the crash (runqueues[cpu].curr)"},
	{"idle", "a CPU's idle task"},
	{"kernel_thread", "a kernel thread (PF_KTHREAD or pid 0)"},
	{"rss", "resident pages"},
	{NULL, NULL},
};
static PyStructSequence_Desc thread_desc = {"kcrash.Thread",
					    "A task of the dump, as kcrash's ps reads it.",
					    thread_fields, 12};

static PyStructSequence_Field module_fields[] = {
	{"name", "the module's name"},
	{"address", "its struct module"},
	{"base", "the base of its text"},
	{"size", "its size as /proc/modules counts it"},
	{"state", "'live', 'coming', 'going' or 'unformed'"},
	{"object", "the module as an Object (struct module *), None without types"},
	{NULL, NULL},
};
static PyStructSequence_Desc module_desc = {"kcrash.Module", "A loaded module.", module_fields,
					    6};

static PyStructSequence_Field frame_fields[] = {
	{"index", "the frame's number, 0 the innermost"},
	{"pc", "the address bt shows: the branch (a return address less 4), or the pc"},
	{"return_address", "the frame's pc as found (a return address, or the pc)"},
	{"sp", "the address bt shows in brackets (the frame record, or the pt_regs)"},
	{"fp", "the frame pointer (x29)"},
	{"name", "the function's name, None without a symbol"},
	{"offset", "pc less the function's address"},
	{"module", "the module's name, None for the vmlinux"},
	{"stack", "'task', 'irq', 'overflow', 'sdei_normal', 'sdei_critical' or 'unknown'"},
	{"is_exception_frame", "the frame is a struct pt_regs an exception pushed"},
	{"user_mode", "the exception came from user mode"},
	{"registers", "the pt_regs' registers as a dict for an exception frame, else None"},
	{NULL, NULL},
};
static PyStructSequence_Desc frame_desc = {"kcrash.StackFrame", "A frame of a backtrace.",
					   frame_fields, 12};

static PyStructSequence_Field member_fields[] = {
	{"name", "the member's name, None for an anonymous struct or union"},
	{"type", "its Type"},
	{"offset", "bytes from the start of the containing type"},
	{"bit_offset", "bits from the start of the containing type"},
	{"bit_field_size", "a bitfield's width, else None"},
	{NULL, NULL},
};
static PyStructSequence_Desc member_desc = {"kcrash.TypeMember", "A member of a struct or union.",
					    member_fields, 5};

/* Fill SEQ's fields from VALUES (references stolen); false after freeing all. */
static bool fill_sequence(PyObject *seq, PyObject **values, int n)
{
	bool ok = seq != NULL;
	for (int i = 0; i < n; i++)
		ok = ok && values[i];
	if (!ok) {
		for (int i = 0; i < n; i++)
			Py_XDECREF(values[i]);
		Py_XDECREF(seq);
		return false;
	}
	for (int i = 0; i < n; i++)
		PyStructSequence_SET_ITEM(seq, i, values[i]);
	return true;
}

static PyObject *optional_string(const char *s)
{
	return s && *s ? PyUnicode_FromString(s) : Py_NewRef(Py_None);
}

/* ---- Program ------------------------------------------------------------ */

static void program_dealloc(ProgramObject *self)
{
	if (self->owned && self->session)
		kc_session_destroy(self->session);
	PyObject_Free(self);
}

PyObject *kc_python_program_wrap(struct kc_session *session)
{
	ProgramObject *prog = PyObject_New(ProgramObject, &ProgramType);
	if (!prog)
		return NULL;
	prog->session = session;
	prog->owned = false;
	return (PyObject *)prog;
}

void kc_python_program_detach(PyObject *prog)
{
	if (prog && PyObject_TypeCheck(prog, &ProgramType))
		((ProgramObject *)prog)->session = NULL;
}

static PyObject *program_close(ProgramObject *self, PyObject *unused)
{
	(void)unused;
	if (self->owned && self->session)
		kc_session_destroy(self->session);
	self->session = NULL;
	Py_RETURN_NONE;
}

static PyObject *program_enter(ProgramObject *self, PyObject *unused)
{
	(void)unused;
	Py_INCREF(self);
	return (PyObject *)self;
}

static PyObject *program_exit(ProgramObject *self, PyObject *args)
{
	(void)args;
	return program_close(self, NULL);
}

static PyObject *program_variable(ProgramObject *self, PyObject *key)
{
	const char *name = PyUnicode_Check(key) ? PyUnicode_AsUTF8(key) : NULL;
	if (!name) {
		if (!PyErr_Occurred())
			PyErr_Format(PyExc_TypeError, "a variable's name, not %s", Py_TYPE(key)->tp_name);
		return NULL;
	}
	if (!check_open(self))
		return NULL;
	struct kc_object obj;
	struct kc_error *err = kc_object_from_symbol(self->session, name, &obj);
	return err ? raise_error(err, ObjectNotFoundError) : wrap_object(self, &obj);
}

static int program_contains(ProgramObject *self, PyObject *key)
{
	PyObject *obj = program_variable(self, key);
	if (obj) {
		Py_DECREF(obj);
		return 1;
	}
	if (PyErr_ExceptionMatches(ObjectNotFoundError)) {
		PyErr_Clear();
		return 0;
	}
	return -1;
}

static PyObject *program_type(ProgramObject *self, PyObject *arg)
{
	struct kc_type type;
	if (!get_type(self, arg, &type))
		return NULL;
	return wrap_type(self, &type);
}

static PyObject *program_object(ProgramObject *self, PyObject *args, PyObject *kwargs)
{
	PyObject *full = PyTuple_New(PyTuple_GET_SIZE(args) + 1);
	if (!full)
		return NULL;
	PyTuple_SET_ITEM(full, 0, Py_NewRef((PyObject *)self));
	for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(args); i++)
		PyTuple_SET_ITEM(full, i + 1, Py_NewRef(PyTuple_GET_ITEM(args, i)));
	PyObject *ret = object_new(&ObjectType, full, kwargs);
	Py_DECREF(full);
	return ret;
}

static PyObject *program_constant(ProgramObject *self, PyObject *arg)
{
	const char *name = PyUnicode_AsUTF8(arg);
	if (!name || !check_open(self))
		return NULL;
	int64_t value;
	struct kc_error *err = kc_kernel_enumerator(self->session, name, &value, NULL);
	return err ? raise_error(err, ObjectNotFoundError) : PyLong_FromLongLong(value);
}

static PyObject *program_read(ProgramObject *self, PyObject *args)
{
	unsigned long long address, size;
	if (!PyArg_ParseTuple(args, "KK:read", &address, &size) || !check_open(self))
		return NULL;
	if (size > READ_MAX) {
		PyErr_Format(PyExc_ValueError, "read of %llu bytes: at most %llu", size,
			     (unsigned long long)READ_MAX);
		return NULL;
	}
	PyObject *bytes = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)size);
	if (!bytes)
		return NULL;
	struct kc_error *err = kc_kernel_read(self->session, address, PyBytes_AS_STRING(bytes),
					      (size_t)size);
	if (err) {
		Py_DECREF(bytes);
		return raise_error(err, NULL);
	}
	return bytes;
}

static const struct kc_task *find_task(ProgramObject *self, PyObject *arg);

/* prog.read_user(task, address, size): a task's user memory, by its page tables. */
static PyObject *program_read_user(ProgramObject *self, PyObject *args)
{
	PyObject *task_arg;
	unsigned long long address, size;
	if (!PyArg_ParseTuple(args, "OKK:read_user", &task_arg, &address, &size) ||
	    !check_open(self))
		return NULL;
	if (size > READ_MAX) {
		PyErr_Format(PyExc_ValueError, "read of %llu bytes: at most %llu", size,
			     (unsigned long long)READ_MAX);
		return NULL;
	}
	const struct kc_task *task = find_task(self, task_arg);
	if (!task)
		return NULL;
	PyObject *bytes = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)size);
	if (!bytes)
		return NULL;
	struct kc_error *err = kc_task_read_user(self->session, task, address,
						 PyBytes_AS_STRING(bytes), (size_t)size);
	if (err) {
		Py_DECREF(bytes);
		return raise_error(err, NULL);
	}
	return bytes;
}

struct printk_visit {
	PyObject *list;
};

/* (seq or None, ts_nsec, level, facility, flags, caller_id or None, text, dict, corrupt) */
static struct kc_error *add_printk_record(void *ctx, const struct kc_printk_record *rec)
{
	struct printk_visit *v = ctx;
	PyObject *seq = rec->seq_known ? PyLong_FromUnsignedLongLong(rec->seq) : Py_NewRef(Py_None);
	PyObject *caller = rec->has_caller_id ? PyLong_FromUnsignedLong(rec->caller_id)
					      : Py_NewRef(Py_None);
	PyObject *item = NULL;
	if (seq && caller)
		item = Py_BuildValue("(OKiiiOy#y#z)", seq, (unsigned long long)rec->ts_nsec,
				     (int)rec->level, (int)rec->facility, (int)rec->flags, caller,
				     rec->corrupt ? "" : rec->text,
				     (Py_ssize_t)(rec->corrupt ? 0 : rec->text_len),
				     rec->corrupt || !rec->dict ? "" : rec->dict,
				     (Py_ssize_t)(rec->corrupt || !rec->dict ? 0 : rec->dict_len),
				     rec->corrupt);
	Py_XDECREF(seq);
	Py_XDECREF(caller);
	if (!item || PyList_Append(v->list, item) != 0) {
		Py_XDECREF(item);
		return kc_error_create(KC_ERR_NOMEM, "out of memory");
	}
	Py_DECREF(item);
	return NULL;
}

/* prog._printk_records(): the log, oldest first (kcrash.helpers.get_printk_records). */
static PyObject *program_printk_records(ProgramObject *self, PyObject *unused)
{
	(void)unused;
	if (!check_open(self))
		return NULL;
	struct printk_visit v = {PyList_New(0)};
	if (!v.list)
		return NULL;
	struct kc_error *err = kc_printk_session_walk(self->session, add_printk_record, &v, NULL);
	if (err) {
		Py_CLEAR(v.list);
		if (PyErr_Occurred()) {
			kc_error_destroy(err);
			return NULL;
		}
		return raise_error(err, NULL);
	}
	return v.list;
}

static PyObject *read_unsigned(ProgramObject *self, PyObject *arg, size_t size)
{
	unsigned long long address = PyLong_AsUnsignedLongLong(arg);
	if (PyErr_Occurred() || !check_open(self))
		return NULL;
	uint8_t bytes[8];
	struct kc_error *err = kc_kernel_read(self->session, address, bytes, size);
	if (err)
		return raise_error(err, NULL);
	uint64_t v = 0;
	for (size_t i = 0; i < size; i++)
		v |= (uint64_t)bytes[i] << (8 * i);
	return PyLong_FromUnsignedLongLong(v);
}

static PyObject *program_read_u8(ProgramObject *self, PyObject *a) { return read_unsigned(self, a, 1); }
static PyObject *program_read_u16(ProgramObject *self, PyObject *a) { return read_unsigned(self, a, 2); }
static PyObject *program_read_u32(ProgramObject *self, PyObject *a) { return read_unsigned(self, a, 4); }
static PyObject *program_read_u64(ProgramObject *self, PyObject *a) { return read_unsigned(self, a, 8); }

static PyObject *make_symbol(const struct kc_symbolized *sym, const char *name)
{
	PyObject *values[] = {
		PyUnicode_FromString(name ? name : sym->name),
		PyLong_FromUnsignedLongLong(sym->addr),
		PyLong_FromUnsignedLongLong(sym->size),
		PyLong_FromUnsignedLongLong(sym->offset),
		optional_string(sym->module),
		PyUnicode_FromStringAndSize(&sym->type, 1),
	};
	PyObject *seq = PyStructSequence_New(&SymbolType);
	return fill_sequence(seq, values, 6) ? seq : NULL;
}

/* prog.symbol(address) -> the symbol holding it; prog.symbol(name) -> that symbol. */
static PyObject *program_symbol(ProgramObject *self, PyObject *arg)
{
	if (!check_open(self))
		return NULL;
	struct kc_symbolized sym;
	struct kc_error *err;
	if (PyUnicode_Check(arg)) {
		const char *name = PyUnicode_AsUTF8(arg);
		uint64_t address;
		if (!name)
			return NULL;
		err = kc_symbol_lookup(self->session, name, NULL, &address);
		if (err)
			return raise_error(err, ObjectNotFoundError);
		err = kc_symbolize(self->session, address, &sym);
		if (err) {
			/* A symbol past _end (per-CPU, absolute): what is known of it. */
			kc_error_destroy(err);
			memset(&sym, 0, sizeof(sym));
			sym.addr = address;
			sym.type = '?';
		}
		sym.offset = 0;
		return make_symbol(&sym, name);
	}
	PyObject *index = PyNumber_Index(arg);
	if (!index)
		return NULL;
	uint64_t address = PyLong_AsUnsignedLongLongMask(index);
	Py_DECREF(index);
	if (PyErr_Occurred())
		return NULL;
	err = kc_symbolize(self->session, address, &sym);
	return err ? raise_error(err, ObjectNotFoundError) : make_symbol(&sym, NULL);
}

static const struct kc_task_list *task_list(ProgramObject *self)
{
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(self->session, &list);
	if (err) {
		raise_error(err, NULL);
		return NULL;
	}
	return list;
}

/* A struct task_struct * object for ADDRESS, or None without the type. */
static PyObject *task_object(ProgramObject *self, uint64_t address)
{
	struct kc_type type, ptr;
	struct kc_types *types;
	struct kc_object obj;
	struct kc_error *err = kc_kernel_type(self->session, "struct task_struct", &type);
	if (!err)
		err = kc_session_types(self->session, &types);
	if (!err)
		err = kc_types_pointer_to(types, &type, &ptr);
	if (!err)
		err = kc_object_from_integer(self->session, &ptr, address, &obj);
	if (err) {
		kc_error_destroy(err);
		Py_RETURN_NONE;
	}
	return wrap_object(self, &obj);
}

static PyObject *make_thread(ProgramObject *self, const struct kc_task *t)
{
	PyObject *values[] = {
		PyLong_FromLong(t->pid),
		PyLong_FromLong(t->tgid),
		PyLong_FromLong(t->ppid),
		PyUnicode_DecodeUTF8(t->comm, (Py_ssize_t)strnlen(t->comm, sizeof(t->comm)),
				     "backslashreplace"),
		PyLong_FromLong(t->cpu),
		PyUnicode_FromString(t->state_code),
		PyLong_FromUnsignedLongLong(t->task),
		task_object(self, t->task),
		PyBool_FromLong(t->is_active),
		PyBool_FromLong(t->is_idle),
		PyBool_FromLong(t->is_kernel_thread),
		PyLong_FromUnsignedLongLong(t->rss),
	};
	PyObject *seq = PyStructSequence_New(&ThreadType);
	return fill_sequence(seq, values, 12) ? seq : NULL;
}

static PyObject *program_threads(ProgramObject *self, PyObject *unused)
{
	(void)unused;
	if (!check_open(self))
		return NULL;
	const struct kc_task_list *list = task_list(self);
	if (!list)
		return NULL;
	PyObject *ret = PyList_New((Py_ssize_t)list->nr_tasks);
	for (size_t i = 0; ret && i < list->nr_tasks; i++) {
		PyObject *thread = make_thread(self, &list->tasks[i]);
		if (!thread) {
			Py_DECREF(ret);
			return NULL;
		}
		PyList_SET_ITEM(ret, (Py_ssize_t)i, thread);
	}
	return ret;
}

/* A task given as a Thread, an Object (task_struct or pointer to one), or a pid. */
static const struct kc_task *find_task(ProgramObject *self, PyObject *arg)
{
	const struct kc_task_list *list = task_list(self);
	if (!list)
		return NULL;
	const struct kc_task *task = NULL;
	if (PyObject_TypeCheck(arg, &ThreadType)) {
		uint64_t address = PyLong_AsUnsignedLongLongMask(PyStructSequence_GET_ITEM(arg, 6));
		if (PyErr_Occurred())
			return NULL;
		task = kc_task_by_addr(list, address);
		if (!task)
			PyErr_SetString(ObjectNotFoundError, "that Thread is not in the task list");
		return task;
	}
	if (PyObject_TypeCheck(arg, &ObjectType)) {
		KcObject *obj = (KcObject *)arg;
		uint64_t address = obj->obj.address;
		if (kc_object_kind(&obj->obj) == KC_TYPE_POINTER) {
			struct kc_error *err = kc_object_read_unsigned(&obj->obj, &address);
			if (err) {
				raise_error(err, NULL);
				return NULL;
			}
		}
		task = kc_task_by_addr(list, address);
		if (!task) {
			char text[64];
			snprintf(text, sizeof(text), "no task at 0x%" PRIx64, address);
			PyErr_SetString(ObjectNotFoundError, text);
		}
		return task;
	}
	PyObject *index = PyNumber_Index(arg);
	if (!index)
		return NULL;
	uint64_t number = PyLong_AsUnsignedLongLongMask(index);
	Py_DECREF(index);
	if (PyErr_Occurred())
		return NULL;
	/* A small int is a pid (drgn's tid); a task_struct address also works. */
	if (number <= INT32_MAX)
		task = kc_task_by_pid(list, (int64_t)number);
	if (!task)
		task = kc_task_by_addr(list, number);
	if (!task)
		PyErr_Format(ObjectNotFoundError, "no task with pid or address %S", arg);
	return task;
}

static PyObject *program_thread(ProgramObject *self, PyObject *arg)
{
	if (!check_open(self))
		return NULL;
	const struct kc_task *task = find_task(self, arg);
	return task ? make_thread(self, task) : NULL;
}

static PyObject *program_crashed_thread(ProgramObject *self, PyObject *unused)
{
	(void)unused;
	if (!check_open(self))
		return NULL;
	const struct kc_task_list *list = task_list(self);
	if (!list)
		return NULL;
	const struct kc_task *task = list->panic_task ? kc_task_by_addr(list, list->panic_task) :
							NULL;
	if (!task) {
		PyErr_SetString(ObjectNotFoundError, "the dump names no crashed task");
		return NULL;
	}
	return make_thread(self, task);
}

static PyObject *registers_dict(const struct kc_arm64_regs *regs)
{
	PyObject *dict = PyDict_New();
	char name[8];
	for (int i = 0; dict && i < 31; i++) {
		snprintf(name, sizeof(name), "x%d", i);
		PyObject *v = PyLong_FromUnsignedLongLong(regs->x[i]);
		if (!v || PyDict_SetItemString(dict, name, v) < 0) {
			Py_XDECREF(v);
			Py_DECREF(dict);
			return NULL;
		}
		Py_DECREF(v);
	}
	const struct {
		const char *name;
		uint64_t value;
	} rest[] = {{"sp", regs->sp}, {"pc", regs->pc}, {"pstate", regs->pstate},
		    {"orig_x0", regs->orig_x0}, {"syscallno", regs->syscallno}};
	for (size_t i = 0; dict && i < sizeof(rest) / sizeof(rest[0]); i++) {
		PyObject *v = PyLong_FromUnsignedLongLong(rest[i].value);
		if (!v || PyDict_SetItemString(dict, rest[i].name, v) < 0) {
			Py_XDECREF(v);
			Py_DECREF(dict);
			return NULL;
		}
		Py_DECREF(v);
	}
	return dict;
}

static const char *stack_name(enum kc_arm64_stack_kind kind)
{
	switch (kind) {
	case KC_ARM64_STACK_TASK: return "task";
	case KC_ARM64_STACK_IRQ: return "irq";
	case KC_ARM64_STACK_OVERFLOW: return "overflow";
	case KC_ARM64_STACK_SDEI_NORMAL: return "sdei_normal";
	case KC_ARM64_STACK_SDEI_CRITICAL: return "sdei_critical";
	default: return "unknown";
	}
}

static PyObject *make_frame(ProgramObject *self, const struct kc_backtrace *bt,
			    const struct kc_arm64_frame *frame)
{
	struct kc_bt_symbol sym;
	bool named = kc_bt_frame_symbol(self->session, frame, &sym);
	PyObject *values[] = {
		PyLong_FromUnsignedLong(frame->index),
		PyLong_FromUnsignedLongLong(sym.pc),
		PyLong_FromUnsignedLongLong(frame->pc),
		PyLong_FromUnsignedLongLong(kc_bt_frame_address(bt, frame)),
		PyLong_FromUnsignedLongLong(frame->fp),
		named ? PyUnicode_FromString(sym.function) : Py_NewRef(Py_None),
		named ? PyLong_FromUnsignedLongLong(sym.offset) : Py_NewRef(Py_None),
		named ? optional_string(sym.module) : Py_NewRef(Py_None),
		PyUnicode_FromString(stack_name(frame->stack_kind)),
		PyBool_FromLong(frame->is_exception_frame),
		PyBool_FromLong(frame->user_mode),
		frame->is_exception_frame ? registers_dict(&frame->regs) : Py_NewRef(Py_None),
	};
	PyObject *seq = PyStructSequence_New(&FrameType);
	return fill_sequence(seq, values, 12) ? seq : NULL;
}

static const char *unwind_end_name(enum kc_arm64_unwind_end end)
{
	switch (end) {
	case KC_ARM64_UNWIND_FINAL: return "final";
	case KC_ARM64_UNWIND_USER: return "user";
	default: return "error";
	}
}

/* prog.stack_trace(task) -> StackTrace (a list of StackFrame). */
static PyObject *program_stack_trace(ProgramObject *self, PyObject *arg)
{
	if (!check_open(self))
		return NULL;
	const struct kc_task *task = find_task(self, arg);
	if (!task)
		return NULL;
	struct kc_backtrace bt;
	struct kc_error *err = kc_backtrace_task(self->session, task, &bt);
	if (err)
		return raise_error(err, NULL);
	PyObject *frames = PyList_New((Py_ssize_t)bt.unwind.nr_frames);
	for (size_t i = 0; frames && i < bt.unwind.nr_frames; i++) {
		PyObject *frame = make_frame(self, &bt, &bt.unwind.frames[i]);
		if (!frame) {
			Py_CLEAR(frames);
			break;
		}
		PyList_SET_ITEM(frames, (Py_ssize_t)i, frame);
	}
	PyObject *trace = NULL;
	if (frames) {
		trace = PyObject_CallFunction(StackTraceClass, "OslsssOOK", frames,
					      unwind_end_name(bt.unwind.end), (long)task->pid,
					      bt.unwind.reason, kc_bt_start_name(bt.start), bt.note,
					      bt.has_user_regs ? Py_True : Py_False, (PyObject *)self,
					      (unsigned long long)task->task);
		Py_DECREF(frames);
	}
	kc_backtrace_free(&bt);
	return trace;
}

/* The frame INDEX of TASK's backtrace, computed again (cheap, and stateless). */
static bool frame_of(ProgramObject *self, PyObject *args, struct kc_backtrace *bt,
		     size_t *index)
{
	PyObject *task_arg;
	Py_ssize_t i;
	if (!check_open(self) || !PyArg_ParseTuple(args, "On", &task_arg, &i))
		return false;
	const struct kc_task *task = find_task(self, task_arg);
	if (!task)
		return false;
	struct kc_error *err = kc_backtrace_task(self->session, task, bt);
	if (err) {
		raise_error(err, NULL);
		return false;
	}
	if (i < 0 || (size_t)i >= bt->unwind.nr_frames) {
		PyErr_Format(PyExc_IndexError, "frame #%zd: the trace has %zu frames", i,
			     bt->unwind.nr_frames);
		kc_backtrace_free(bt);
		return false;
	}
	*index = (size_t)i;
	return true;
}

struct variables_visit {
	ProgramObject *prog;
	PyObject *list;
};

/* One (name, is_parameter, function, inlined, Object or None, reason or None). */
static struct kc_error *add_variable(void *ctx, const struct kc_frame_variable *var)
{
	struct variables_visit *v = ctx;
	PyObject *object = NULL;
	const char *reason = var->state == KC_FRAME_VAR_UNAVAILABLE ? var->reason : NULL;
	struct kc_object obj;
	struct kc_error *err = NULL;
	if (var->state == KC_FRAME_VAR_MEMORY)
		err = kc_object_at(v->prog->session, &var->type, var->address, &obj);
	else if (var->state == KC_FRAME_VAR_VALUE)
		err = kc_object_from_integer(v->prog->session, &var->type, var->value, &obj);
	if (err) {
		/* A value kcrash cannot hold (a struct in registers): say why. */
		reason = kc_error_message(err);
	} else if (var->state != KC_FRAME_VAR_UNAVAILABLE) {
		object = wrap_object(v->prog, &obj);
		if (!object)
			return kc_error_create(KC_ERR_NOMEM, "out of memory");
	}
	PyObject *item = Py_BuildValue("(sOzOOz)", var->name,
				       var->is_parameter ? Py_True : Py_False, var->function,
				       var->inlined ? Py_True : Py_False,
				       object ? object : Py_None, reason);
	Py_XDECREF(object);
	kc_error_destroy(err);
	if (!item || PyList_Append(v->list, item) != 0) {
		Py_XDECREF(item);
		return kc_error_create(KC_ERR_NOMEM, "out of memory");
	}
	Py_DECREF(item);
	return NULL;
}

/* prog._frame_variables(task, index): the frame's variables, innermost scope first. */
static PyObject *program_frame_variables(ProgramObject *self, PyObject *args)
{
	struct kc_backtrace bt;
	size_t index;
	if (!frame_of(self, args, &bt, &index))
		return NULL;
	struct variables_visit v = {self, PyList_New(0)};
	struct kc_error *err = v.list ? kc_bt_frame_variables(self->session, &bt, index,
							      add_variable, &v)
				       : NULL;
	kc_backtrace_free(&bt);
	if (err) {
		Py_CLEAR(v.list);
		if (!PyErr_Occurred())
			return raise_error(err, NULL);
		kc_error_destroy(err);
	}
	return v.list;
}

/* prog._frame_registers(task, index): {name: value} of the registers known, and "cfa". */
static PyObject *program_frame_registers(ProgramObject *self, PyObject *args)
{
	struct kc_backtrace bt;
	size_t index;
	if (!frame_of(self, args, &bt, &index))
		return NULL;
	struct kc_frame_registers regs;
	struct kc_error *err = kc_bt_frame_registers(self->session, &bt, index, &regs);
	kc_backtrace_free(&bt);
	if (err)
		return raise_error(err, NULL);
	PyObject *dict = PyDict_New();
	for (int r = 0; dict && r <= KC_FRAME_REG_PC; r++) {
		if (!(regs.known & (UINT64_C(1) << r)))
			continue;
		char name[8];
		uint64_t value = r == KC_FRAME_REG_SP ? regs.sp : r == KC_FRAME_REG_PC ? regs.pc
										 : regs.x[r];
		if (r == KC_FRAME_REG_SP)
			snprintf(name, sizeof(name), "sp");
		else if (r == KC_FRAME_REG_PC)
			snprintf(name, sizeof(name), "pc");
		else
			snprintf(name, sizeof(name), "x%d", r);
		PyObject *v = PyLong_FromUnsignedLongLong(value);
		if (!v || PyDict_SetItemString(dict, name, v) != 0)
			Py_CLEAR(dict);
		Py_XDECREF(v);
	}
	if (dict && regs.has_cfa) {
		PyObject *v = PyLong_FromUnsignedLongLong(regs.cfa);
		if (!v || PyDict_SetItemString(dict, "cfa", v) != 0)
			Py_CLEAR(dict);
		Py_XDECREF(v);
	}
	return dict;
}

/*
 * prog._walk(kind, address, limit): the library's walkers (kcrash/walk.h)
 * for kcrash.helpers. "list", "list_reverse", "hlist", "rbtree",
 * "rbtree_cached": [node address]; "xarray", "idr": [(index, entry)];
 * "maple": [(first, last, entry)]. Entries are raw slot values.
 */
static PyObject *program_walk(ProgramObject *self, PyObject *args)
{
	const char *kind;
	unsigned long long address, limit;
	if (!check_open(self) || !PyArg_ParseTuple(args, "sKK", &kind, &address, &limit))
		return NULL;
	struct kc_error *err = NULL;
	PyObject *list = NULL;
	if (!strcmp(kind, "xarray") || !strcmp(kind, "idr")) {
		struct kc_xa_entry *entries = NULL;
		size_t n = 0;
		err = !strcmp(kind, "idr") ?
			kc_walk_idr_collect(self->session, address, limit, &entries, &n) :
			kc_walk_xarray_collect(self->session, address, limit, &entries, &n);
		if (!err) {
			list = PyList_New((Py_ssize_t)n);
			for (size_t i = 0; list && i < n; i++) {
				PyObject *item = Py_BuildValue("(KK)", (unsigned long long)entries[i].index,
							       (unsigned long long)entries[i].entry);
				if (!item)
					Py_CLEAR(list);
				else
					PyList_SET_ITEM(list, (Py_ssize_t)i, item);
			}
		}
		free(entries);
	} else if (!strcmp(kind, "maple")) {
		struct kc_mt_entry *entries = NULL;
		size_t n = 0;
		err = kc_walk_maple_tree_collect(self->session, address, limit, &entries, &n);
		if (!err) {
			list = PyList_New((Py_ssize_t)n);
			for (size_t i = 0; list && i < n; i++) {
				PyObject *item = Py_BuildValue("(KKK)", (unsigned long long)entries[i].first,
							       (unsigned long long)entries[i].last,
							       (unsigned long long)entries[i].entry);
				if (!item)
					Py_CLEAR(list);
				else
					PyList_SET_ITEM(list, (Py_ssize_t)i, item);
			}
		}
		free(entries);
	} else {
		uint64_t *nodes = NULL;
		size_t n = 0;
		if (!strcmp(kind, "list") || !strcmp(kind, "list_reverse"))
			err = kc_walk_list_collect(self->session, address, !strcmp(kind, "list_reverse"),
						   limit, &nodes, &n);
		else if (!strcmp(kind, "hlist"))
			err = kc_walk_hlist_collect(self->session, address, limit, &nodes, &n);
		else if (!strcmp(kind, "rbtree") || !strcmp(kind, "rbtree_cached"))
			err = kc_walk_rbtree_collect(self->session, address,
						     !strcmp(kind, "rbtree_cached"), limit, &nodes, &n);
		else {
			PyErr_Format(PyExc_ValueError, "no walker called %s", kind);
			return NULL;
		}
		if (!err) {
			list = PyList_New((Py_ssize_t)n);
			for (size_t i = 0; list && i < n; i++) {
				PyObject *item = PyLong_FromUnsignedLongLong(nodes[i]);
				if (!item)
					Py_CLEAR(list);
				else
					PyList_SET_ITEM(list, (Py_ssize_t)i, item);
			}
		}
		free(nodes);
	}
	if (err)
		return raise_error(err, NULL);
	return list;
}

static const char *module_state_name(int64_t state)
{
	switch (state) {
	case 0: return "live";
	case 1: return "coming";
	case 2: return "going";
	case 3: return "unformed";
	default: return "unknown";
	}
}

static PyObject *program_modules(ProgramObject *self, PyObject *unused)
{
	(void)unused;
	if (!check_open(self))
		return NULL;
	const struct kc_modules *modules;
	struct kc_error *err = kc_modules_get(self->session, &modules);
	if (err)
		return raise_error(err, NULL);
	struct kc_type type, ptr;
	struct kc_types *types;
	bool typed = false;
	err = kc_kernel_type(self->session, "struct module", &type);
	if (!err)
		err = kc_session_types(self->session, &types);
	if (!err)
		err = kc_types_pointer_to(types, &type, &ptr);
	typed = !err;
	kc_error_destroy(err);
	PyObject *ret = PyList_New((Py_ssize_t)modules->nr_modules);
	for (size_t i = 0; ret && i < modules->nr_modules; i++) {
		const struct kc_module *m = &modules->modules[i];
		struct kc_object obj;
		PyObject *object = NULL;
		if (typed && !kc_object_from_integer(self->session, &ptr, m->addr, &obj))
			object = wrap_object(self, &obj);
		else
			object = Py_NewRef(Py_None);
		PyObject *values[] = {
			PyUnicode_FromString(m->name),
			PyLong_FromUnsignedLongLong(m->addr),
			PyLong_FromUnsignedLongLong(m->text_base),
			PyLong_FromUnsignedLongLong(m->size),
			PyUnicode_FromString(module_state_name(m->state)),
			object,
		};
		PyObject *seq = PyStructSequence_New(&ModuleType);
		if (!fill_sequence(seq, values, 6)) {
			Py_DECREF(ret);
			return NULL;
		}
		PyList_SET_ITEM(ret, (Py_ssize_t)i, seq);
	}
	return ret;
}

/* Run LINE as the shell would, its output into a str; *FAILED gets its error. */
static PyObject *run_command(ProgramObject *self, const char *line)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		return PyErr_SetFromErrno(PyExc_OSError);
	struct kc_error *err = kc_session_run_line(self->session, line, out);
	fclose(out);
	if (err && err->code != KC_ERR_STOP) {
		free(text);
		return raise_error(err, NULL);
	}
	kc_error_destroy(err);
	PyObject *ret = PyUnicode_DecodeUTF8(text ? text : "", (Py_ssize_t)len, "backslashreplace");
	free(text);
	return ret;
}

static PyObject *program_command(ProgramObject *self, PyObject *arg)
{
	const char *line = PyUnicode_AsUTF8(arg);
	if (!line || !check_open(self))
		return NULL;
	return run_command(self, line);
}

/* A command's --json output, parsed. */
static PyObject *json_command(ProgramObject *self, const char *line)
{
	if (!check_open(self))
		return NULL;
	PyObject *text = run_command(self, line);
	if (!text)
		return NULL;
	PyObject *json = PyImport_ImportModule("json");
	PyObject *ret = json ? PyObject_CallMethod(json, "loads", "O", text) : NULL;
	Py_XDECREF(json);
	Py_DECREF(text);
	return ret;
}

static PyObject *program_ps(ProgramObject *self, PyObject *unused)
{
	(void)unused;
	return json_command(self, "ps --json");
}

static PyObject *program_mod(ProgramObject *self, PyObject *unused)
{
	(void)unused;
	return json_command(self, "mod --json");
}

static PyObject *program_triage(ProgramObject *self, PyObject *unused)
{
	(void)unused;
	return json_command(self, "triage --json");
}

static PyObject *program_get_nr_cpus(ProgramObject *self, void *closure)
{
	(void)closure;
	if (!check_open(self))
		return NULL;
	return PyLong_FromUnsignedLong(kc_kernel_nr_cpus(self->session));
}

static PyObject *program_get_release(ProgramObject *self, void *closure)
{
	(void)closure;
	if (!check_open(self))
		return NULL;
	return optional_string(kc_session_release(self->session));
}

static PyObject *program_repr(ProgramObject *self)
{
	if (!self->session)
		return PyUnicode_FromString("<kcrash.Program (closed)>");
	const char *release = kc_session_release(self->session);
	return PyUnicode_FromFormat("<kcrash.Program of a %s dump>", release ? release : "Linux");
}

static PyMethodDef program_methods[] = {
	{"type", (PyCFunction)program_type, METH_O,
	 "type(name) -> Type: 'struct task_struct', 'pid_t', 'char *'..."},
	{"variable", (PyCFunction)program_variable, METH_O,
	 "variable(name) -> Object: a global variable (prog[name] is the same)"},
	{"object", (PyCFunction)(void (*)(void))program_object, METH_VARARGS | METH_KEYWORDS,
	 "object(type, value=None, *, address=None) -> Object"},
	{"constant", (PyCFunction)program_constant, METH_O,
	 "constant(name) -> int: an enumerator's value"},
	{"read", (PyCFunction)program_read, METH_VARARGS,
	 "read(address, size) -> bytes of kernel virtual memory (FaultError if unreadable)"},
	{"read_u8", (PyCFunction)program_read_u8, METH_O, "read_u8(address) -> int"},
	{"read_u16", (PyCFunction)program_read_u16, METH_O, "read_u16(address) -> int"},
	{"read_u32", (PyCFunction)program_read_u32, METH_O, "read_u32(address) -> int"},
	{"read_u64", (PyCFunction)program_read_u64, METH_O, "read_u64(address) -> int"},
	{"symbol", (PyCFunction)program_symbol, METH_O,
	 "symbol(address or name) -> Symbol(name, address, size, offset, module, type)"},
	{"threads", (PyCFunction)program_threads, METH_NOARGS,
	 "threads() -> [Thread]: every task as kcrash's ps reads it (idle tasks included)"},
	{"thread", (PyCFunction)program_thread, METH_O,
	 "thread(pid or task Object) -> Thread"},
	{"crashed_thread", (PyCFunction)program_crashed_thread, METH_NOARGS,
	 "crashed_thread() -> Thread: the task that panicked"},
	{"read_user", (PyCFunction)program_read_user, METH_VARARGS,
	 "read_user(task, address, size) -> bytes: a task's user memory, through its page tables"},
	{"_printk_records", (PyCFunction)program_printk_records, METH_NOARGS,
	 "_printk_records() -> [(seq, ts_nsec, level, facility, flags, caller_id, text, dict, corrupt)]"},
	{"_walk", (PyCFunction)program_walk, METH_VARARGS,
	 "_walk(kind, address, limit) -> the library walker's nodes or entries (kcrash.helpers)"},
	{"_frame_variables", (PyCFunction)program_frame_variables, METH_VARARGS,
	 "_frame_variables(task, index) -> [(name, is_parameter, function, inlined, Object or None, reason)]"},
	{"_frame_registers", (PyCFunction)program_frame_registers, METH_VARARGS,
	 "_frame_registers(task, index) -> {register: value} of the registers known, and 'cfa'"},
	{"stack_trace", (PyCFunction)program_stack_trace, METH_O,
	 "stack_trace(pid, Thread or task Object) -> StackTrace: its frames, as bt shows them"},
	{"modules", (PyCFunction)program_modules, METH_NOARGS,
	 "modules() -> [Module(name, address, base, size, state, object)]"},
	{"command", (PyCFunction)program_command, METH_O,
	 "command(line) -> str: one kcrash command's output (\"bt -a\"); Error if it fails"},
	{"ps", (PyCFunction)program_ps, METH_NOARGS, "ps() -> list: `ps --json`, parsed"},
	{"mod", (PyCFunction)program_mod, METH_NOARGS, "mod() -> list: `mod --json`, parsed"},
	{"triage", (PyCFunction)program_triage, METH_NOARGS,
	 "triage() -> dict: `triage --json` (schema kcrash-triage/3), parsed"},
	{"close", (PyCFunction)program_close, METH_NOARGS, "close(): close the dump"},
	{"__enter__", (PyCFunction)program_enter, METH_NOARGS, NULL},
	{"__exit__", (PyCFunction)program_exit, METH_VARARGS, NULL},
	{NULL, NULL, 0, NULL},
};

static PyGetSetDef program_getset[] = {
	{"nr_cpus", (getter)program_get_nr_cpus, NULL, "the kernel's possible CPUs (nr_cpu_ids)",
	 NULL},
	{"release", (getter)program_get_release, NULL, "the kernel release (OSRELEASE)", NULL},
	{NULL, NULL, NULL, NULL, NULL},
};

static PyMappingMethods program_as_mapping = {
	.mp_subscript = (binaryfunc)program_variable,
};

static PySequenceMethods program_as_sequence = {
	.sq_contains = (objobjproc)program_contains,
};

static PyTypeObject ProgramType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "kcrash.Program",
	.tp_basicsize = sizeof(ProgramObject),
	.tp_dealloc = (destructor)program_dealloc,
	.tp_repr = (reprfunc)program_repr,
	.tp_as_mapping = &program_as_mapping,
	.tp_as_sequence = &program_as_sequence,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "An open kernel dump: kcrash.open(dump, vmlinux=None).",
	.tp_methods = program_methods,
	.tp_getset = program_getset,
};

/* ---- module functions --------------------------------------------------- */

/* Every string in ARG (a str or a sequence of str) into a malloc'd array. */
static const char **string_list(PyObject *arg, size_t *count)
{
	PyObject *seq = PyUnicode_Check(arg) ? Py_BuildValue("(O)", arg) :
		PySequence_Fast(arg, "expected a path or a list of paths");
	if (!seq)
		return NULL;
	Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
	const char **paths = calloc((size_t)n + 1, sizeof(*paths));
	for (Py_ssize_t i = 0; paths && i < n; i++) {
		PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
		/* The strings live as long as their objects: ARG holds them. */
		paths[i] = PyUnicode_Check(item) ? PyUnicode_AsUTF8(item) : NULL;
		if (!paths[i]) {
			if (!PyErr_Occurred())
				PyErr_SetString(PyExc_TypeError, "paths must be str");
			free(paths);
			Py_DECREF(seq);
			return NULL;
		}
	}
	Py_DECREF(seq);
	if (!paths)
		PyErr_NoMemory();
	*count = (size_t)n;
	return paths;
}

/*
 * kcrash.open(dump, vmlinux=None, *, btf=None, symbols=None, types="auto",
 *             find_vmlinux=False, debug_dirs=(), debuginfod=False, force=False)
 */
static PyObject *kcrash_open(PyObject *module, PyObject *args, PyObject *kwargs)
{
	(void)module;
	static char *keywords[] = {"dump", "vmlinux", "btf", "symbols", "types", "find_vmlinux",
				   "debug_dirs", "debuginfod", "force", NULL};
	PyObject *dump, *debug_dirs = NULL;
	const char *vmlinux = NULL, *btf = NULL, *symbols = NULL, *types = "auto";
	int find_vmlinux = 0, debuginfod = 0, force = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|z$zzspOpp:open", keywords, &dump,
					 &vmlinux, &btf, &symbols, &types, &find_vmlinux,
					 &debug_dirs, &debuginfod, &force))
		return NULL;
	struct kc_session_options opts = {0};
	if (strcmp(types, "auto") == 0)
		opts.types_preference = KC_TYPES_AUTO;
	else if (strcmp(types, "dwarf") == 0)
		opts.types_preference = KC_TYPES_DWARF;
	else if (strcmp(types, "btf") == 0)
		opts.types_preference = KC_TYPES_BTF;
	else {
		PyErr_Format(PyExc_ValueError, "types=%s: expected 'auto', 'dwarf' or 'btf'", types);
		return NULL;
	}
	size_t nr_dumps = 0, nr_dirs = 0;
	const char **dumps = string_list(dump, &nr_dumps);
	if (!dumps)
		return NULL;
	const char **dirs = debug_dirs ? string_list(debug_dirs, &nr_dirs) : NULL;
	if (debug_dirs && !dirs) {
		free(dumps);
		return NULL;
	}
	opts.vmlinux_path = vmlinux;
	opts.dump_paths = dumps;
	opts.nr_dump_paths = nr_dumps;
	opts.btf_path = btf;
	opts.symbols_path = symbols;
	opts.find_vmlinux = !vmlinux && find_vmlinux;
	opts.debug_dirs = dirs;
	opts.nr_debug_dirs = nr_dirs;
	opts.no_debuginfod = !debuginfod;
	opts.force = force;
	struct kc_session *session = NULL;
	struct kc_error *err;
	Py_BEGIN_ALLOW_THREADS
	err = kc_session_open(&opts, &session);
	Py_END_ALLOW_THREADS
	free(dumps);
	free(dirs);
	if (err)
		return raise_error(err, NULL);
	ProgramObject *prog = (ProgramObject *)kc_python_program_wrap(session);
	if (!prog) {
		kc_session_destroy(session);
		return NULL;
	}
	prog->owned = true;
	return (PyObject *)prog;
}

static bool parse_type_and_object(PyObject *args, const char *fmt, PyObject **type_arg,
				  KcObject **obj, struct kc_type *type)
{
	PyObject *obj_arg;
	if (!PyArg_ParseTuple(args, fmt, type_arg, &obj_arg) || !get_object(obj_arg, obj))
		return false;
	return get_type((*obj)->prog, *type_arg, type);
}

/* cast(type, obj) and reinterpret(type, obj): FORMAT parses, FN converts. */
static PyObject *type_object_call(PyObject *args, const char *format,
				  struct kc_error *(*fn)(const struct kc_object *,
							 const struct kc_type *,
							 struct kc_object *))
{
	PyObject *type_arg;
	KcObject *obj;
	struct kc_type type;
	if (!parse_type_and_object(args, format, &type_arg, &obj, &type))
		return NULL;
	struct kc_object ret;
	struct kc_error *err = fn(&obj->obj, &type, &ret);
	return err ? raise_error(err, NULL) : wrap_object(obj->prog, &ret);
}

static PyObject *kcrash_cast(PyObject *module, PyObject *args)
{
	(void)module;
	return type_object_call(args, "OO:cast", kc_object_cast);
}

static PyObject *kcrash_reinterpret(PyObject *module, PyObject *args)
{
	(void)module;
	return type_object_call(args, "OO:reinterpret", kc_object_reinterpret);
}

static PyObject *kcrash_container_of(PyObject *module, PyObject *args)
{
	(void)module;
	PyObject *ptr_arg, *type_arg;
	const char *member;
	KcObject *ptr;
	struct kc_type type;
	if (!PyArg_ParseTuple(args, "OOs:container_of", &ptr_arg, &type_arg, &member) ||
	    !get_object(ptr_arg, &ptr) || !get_type(ptr->prog, type_arg, &type))
		return NULL;
	struct kc_object ret;
	struct kc_error *err = kc_object_container_of(&ptr->obj, &type, member, &ret);
	return err ? raise_error(err, MemberNotFoundError) : wrap_object(ptr->prog, &ret);
}

/* per_cpu(obj, cpu) and per_cpu_ptr(ptr, cpu): FORMAT parses, FN moves. */
static PyObject *per_cpu_call(PyObject *args, const char *format,
			      struct kc_error *(*fn)(const struct kc_object *, unsigned,
						     struct kc_object *))
{
	PyObject *obj_arg;
	unsigned int cpu;
	KcObject *obj;
	if (!PyArg_ParseTuple(args, format, &obj_arg, &cpu) || !get_object(obj_arg, &obj))
		return NULL;
	struct kc_object ret;
	struct kc_error *err = fn(&obj->obj, cpu, &ret);
	return err ? raise_error(err, NULL) : wrap_object(obj->prog, &ret);
}

static PyObject *kcrash_per_cpu(PyObject *module, PyObject *args)
{
	(void)module;
	return per_cpu_call(args, "OI:per_cpu", kc_object_per_cpu);
}

static PyObject *kcrash_per_cpu_ptr(PyObject *module, PyObject *args)
{
	(void)module;
	return per_cpu_call(args, "OI:per_cpu_ptr", kc_object_per_cpu_ptr);
}

/* sizeof(Type or Object). */
static PyObject *kcrash_sizeof(PyObject *module, PyObject *arg)
{
	(void)module;
	uint64_t size;
	struct kc_error *err;
	if (PyObject_TypeCheck(arg, &ObjectType))
		err = kc_object_size(&((KcObject *)arg)->obj, &size);
	else if (PyObject_TypeCheck(arg, &TypeType))
		err = kc_type_size(&((KcType *)arg)->type, &size);
	else {
		PyErr_SetString(PyExc_TypeError, "sizeof() takes a Type or an Object");
		return NULL;
	}
	return err ? raise_error(err, NULL) : PyLong_FromUnsignedLongLong(size);
}

/* NULL(prog, type): a null pointer of TYPE. */
static PyObject *kcrash_null(PyObject *module, PyObject *args)
{
	(void)module;
	PyObject *prog_arg, *type_arg;
	if (!PyArg_ParseTuple(args, "O!O:NULL", &ProgramType, &prog_arg, &type_arg))
		return NULL;
	ProgramObject *prog = (ProgramObject *)prog_arg;
	struct kc_type type;
	if (!get_type(prog, type_arg, &type))
		return NULL;
	struct kc_object obj;
	struct kc_error *err = kc_object_from_integer(prog->session, &type, 0, &obj);
	return err ? raise_error(err, NULL) : wrap_object(prog, &obj);
}

static PyMethodDef kcrash_functions[] = {
	{"open", (PyCFunction)(void (*)(void))kcrash_open, METH_VARARGS | METH_KEYWORDS,
	 "open(dump, vmlinux=None, *, btf=None, symbols=None, types='auto', find_vmlinux=False,\n"
	 "     debug_dirs=(), debuginfod=False, force=False) -> Program\n"
	 "DUMP is a path or a list of paths (a makedumpfile --split set). Without VMLINUX\n"
	 "the dump is opened alone: symbols from its kallsyms (or SYMBOLS, a System.map),\n"
	 "types from its BTF."},
	{"cast", kcrash_cast, METH_VARARGS, "cast(type, obj) -> Object: (type)obj for scalars"},
	{"reinterpret", kcrash_reinterpret, METH_VARARGS,
	 "reinterpret(type, obj) -> Object: obj's memory read as TYPE"},
	{"container_of", kcrash_container_of, METH_VARARGS,
	 "container_of(ptr, type, member) -> Object: a pointer to the TYPE containing *ptr at MEMBER"},
	{"per_cpu", kcrash_per_cpu, METH_VARARGS,
	 "per_cpu(var, cpu) -> Object: CPU's copy of a per-CPU variable"},
	{"per_cpu_ptr", kcrash_per_cpu_ptr, METH_VARARGS,
	 "per_cpu_ptr(ptr, cpu) -> Object: a __percpu pointer moved to CPU's copy"},
	{"sizeof", kcrash_sizeof, METH_O, "sizeof(Type or Object) -> int"},
	{"NULL", kcrash_null, METH_VARARGS, "NULL(prog, type) -> Object: a null pointer of TYPE"},
	{NULL, NULL, 0, NULL},
};

static struct PyModuleDef kcrash_module = {
	PyModuleDef_HEAD_INIT,
	.m_name = "kcrash",
	.m_doc = "kcrash: post-mortem analysis of arm64 Linux kernel dumps, from Python.\n"
		 "prog = kcrash.open('vmcore', 'vmlinux'); prog['init_task'].comm.string_()",
	.m_size = -1,
	.m_methods = kcrash_functions,
};

/* Run SOURCE (compiled in from FILENAME) in MODULE's namespace. */
static bool exec_source(PyObject *module, const char *source, const char *filename)
{
	PyObject *code = Py_CompileString(source, filename, Py_file_input);
	if (!code)
		return false;
	PyObject *result = PyEval_EvalCode(code, PyModule_GetDict(module), PyModule_GetDict(module));
	Py_DECREF(code);
	Py_XDECREF(result);
	return result != NULL;
}

static PyObject *get_class(PyObject *module, const char *name)
{
	PyObject *cls = PyObject_GetAttrString(module, name);
	return cls; /* a new reference, kept for the process's life */
}

static bool add_type(PyObject *module, PyTypeObject *type, const char *name)
{
	if (PyType_Ready(type) < 0)
		return false;
	Py_INCREF(type);
	if (PyModule_AddObject(module, name, (PyObject *)type) < 0) {
		Py_DECREF(type);
		return false;
	}
	return true;
}

static bool add_sequence(PyObject *module, PyTypeObject *type, PyStructSequence_Desc *desc,
			 const char *name)
{
	if (!type->tp_name && PyStructSequence_InitType2(type, desc) < 0)
		return false;
	Py_INCREF(type);
	if (PyModule_AddObject(module, name, (PyObject *)type) < 0) {
		Py_DECREF(type);
		return false;
	}
	return true;
}

PyMODINIT_FUNC PyInit_kcrash(void)
{
	PyObject *module = PyModule_Create(&kcrash_module);
	if (!module)
		return NULL;
	if (!add_type(module, &ProgramType, "Program") || !add_type(module, &ObjectType, "Object") ||
	    !add_type(module, &TypeType, "Type") ||
	    !add_sequence(module, &SymbolType, &symbol_desc, "Symbol") ||
	    !add_sequence(module, &ThreadType, &thread_desc, "Thread") ||
	    !add_sequence(module, &ModuleType, &module_desc, "Module") ||
	    !add_sequence(module, &FrameType, &frame_desc, "StackFrame") ||
	    !add_sequence(module, &MemberType, &member_desc, "TypeMember") ||
	    PyModule_AddStringConstant(module, "__version__", KCRASH_VERSION) < 0)
		goto fail;
	/* The exception classes and StackTrace, from core.py. */
	if (!exec_source(module, kc_python_core_source, "<kcrash/core.py>"))
		goto fail;
	Py_XDECREF(Error);
	Py_XDECREF(FaultError);
	Py_XDECREF(NotFoundError);
	Py_XDECREF(ObjectNotFoundError);
	Py_XDECREF(TypeNotFoundError);
	Py_XDECREF(MemberNotFoundError);
	Py_XDECREF(StackTraceClass);
	Error = get_class(module, "Error");
	FaultError = get_class(module, "FaultError");
	NotFoundError = get_class(module, "NotFoundError");
	ObjectNotFoundError = get_class(module, "ObjectNotFoundError");
	TypeNotFoundError = get_class(module, "TypeNotFoundError");
	MemberNotFoundError = get_class(module, "MemberNotFoundError");
	StackTraceClass = get_class(module, "StackTrace");
	if (!Error || !FaultError || !NotFoundError || !ObjectNotFoundError || !TypeNotFoundError ||
	    !MemberNotFoundError || !StackTraceClass)
		goto fail;
	/*
	 * kcrash.helpers: a submodule made here. In sys.modules first, so
	 * "import kcrash.helpers" finds it without a package directory.
	 */
	PyObject *helpers = PyModule_New("kcrash.helpers");
	if (!helpers)
		goto fail;
	PyObject *sys_modules = PyImport_GetModuleDict();
	if (PyDict_SetItemString(sys_modules, "kcrash", module) < 0 ||
	    PyDict_SetItemString(sys_modules, "kcrash.helpers", helpers) < 0 ||
	    PyModule_AddObject(module, "helpers", helpers) < 0) {
		Py_DECREF(helpers);
		goto fail;
	}
	if (!exec_source(helpers, kc_python_helpers_source, "<kcrash/helpers.py>"))
		goto fail;
	return module;
fail:
	Py_DECREF(module);
	return NULL;
}
